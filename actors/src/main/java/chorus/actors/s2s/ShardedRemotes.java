package chorus.actors.s2s;

import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The router's way to other servers: the {@link RemoteDomain} entity of the pair (the stanza's sending domain, its
 * recipient's domain), wherever sharding placed it.
 */
public final class ShardedRemotes implements Router.Remotes {
    private final ClusterSharding sharding;
    private final String defaultLocal;
    /** This node's holder of what no session holds; until it is set (the node starts), stanzas go straight. */
    private volatile ActorRef<RemoteHandoff.Command> handoff;

    /** {@code defaultLocal}: the sending domain of a stanza without 'from' (the served domain). */
    public ShardedRemotes(ClusterSharding sharding, String defaultLocal) {
        this.sharding = sharding;
        this.defaultLocal = defaultLocal;
    }

    public EntityRef<RemoteDomain.Command> entity(String local, String remote) {
        return sharding.entityRefFor(RemoteDomain.KEY, RemoteDomain.entityId(local, remote));
    }

    private String localOf(Stanza s) {
        return s.from() == null ? defaultLocal : s.from().domain();
    }

    /** From now on, stanzas no session holds wait in {@code h} until their entity is done with them. */
    public void handOffThrough(ActorRef<RemoteHandoff.Command> h) {
        handoff = h;
    }

    /** The way {@link RemoteHandoff} reaches the entity of a stanza. */
    public RemoteHandoff.Entities entities() {
        return (stanza, command) -> entity(localOf(stanza), stanza.to().domain()).tell(command);
    }

    @Override
    public void send(Stanza stanza) {
        ActorRef<RemoteHandoff.Command> h = handoff;
        if (h != null) {
            h.tell(new RemoteHandoff.Hand(stanza));
        } else {
            entity(localOf(stanza), stanza.to().domain()).tell(new RemoteDomain.Send(stanza));
        }
    }

    @Override
    public void sendAcknowledged(Message message, ActorRef<SessionMessage> ackTo, long seq) {
        entity(localOf(message), message.to().domain()).tell(new RemoteDomain.SendAcknowledged(message, ackTo, seq));
    }

    /** The answers to the entities' acknowledgement pings: from the peer's domain to ours, with their id. */
    @Override
    public boolean answered(Iq answer) {
        if (answer.id() == null || !answer.id().startsWith(RemoteDomain.ACK_PREFIX) || answer.from() == null
            || answer.to() == null || !answer.to().isDomain() || answer.from().domain().equals(answer.to().domain())) {
            return false;
        }
        entity(answer.to().domain(), answer.from().domain()).tell(new RemoteDomain.Answered(answer));
        return true;
    }
}
