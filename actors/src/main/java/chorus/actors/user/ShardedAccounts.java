package chorus.actors.user;

import chorus.actors.cluster.Frames;
import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The router's way to the accounts' entities: through cluster sharding, wherever each entity runs. A stanza larger
 * than a cluster frame (a big PEP item, a room's lists) travels in frames ({@link FramedCommand}). An acknowledged
 * delivery to an entity running on this node goes to it directly ({@link LocalAccounts}), skipping sharding's region
 * and shard, when its sender has nothing else waiting for that account (see {@link LocalAccounts}, in order): its sender
 * keeps it until the entity accepted it and sends it again otherwise.
 */
public final class ShardedAccounts implements Router.Accounts {
    private final ClusterSharding sharding;
    private final Frames frames;

    private final LocalAccounts local;

    public ShardedAccounts(ClusterSharding sharding, Frames frames, LocalAccounts local) {
        this.sharding = sharding;
        this.frames = frames;
        this.local = local;
    }

    private void tell(BareJid account, UserEntity.Command command) {
        EntityRef<UserEntity.Command> entity = sharding.entityRefFor(UserEntity.KEY, account.toString());
        frames.tell(entity, command, FramedCommand::new);
    }

    @Override
    public void deliver(BareJid account, Stanza stanza) {
        tell(account, new UserEntity.Deliver(stanza));
    }

    /** Through sharding. */
    @Override
    public void deliverAcknowledged(BareJid account, Stanza stanza, ActorRef<SessionMessage> ackTo, long seq) {
        deliverAcknowledged(account, stanza, ackTo, seq, false);
    }

    @Override
    public void deliverAcknowledged(BareJid account, Stanza stanza, ActorRef<SessionMessage> ackTo, long seq,
                                    boolean direct) {
        UserEntity.Deliver deliver = new UserEntity.Deliver(stanza, ackTo, seq);
        if (!direct || !local.tell(account.toString(), deliver)) {
            tell(account, deliver);
        }
    }

    @Override
    public void fromOwnSession(BareJid account, Stanza stanza) {
        tell(account, new UserEntity.FromClient(stanza));
    }

    @Override
    public void sent(BareJid account, Message message) {
        tell(account, new UserEntity.Sent(message));
    }
}
