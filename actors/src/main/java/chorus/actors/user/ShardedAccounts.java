package chorus.actors.user;

import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** The router's way to the accounts' entities: through cluster sharding, wherever each entity runs. */
public final class ShardedAccounts implements Router.Accounts {
    private final ClusterSharding sharding;

    public ShardedAccounts(ClusterSharding sharding) {
        this.sharding = sharding;
    }

    private EntityRef<UserEntity.Command> entity(BareJid account) {
        return sharding.entityRefFor(UserEntity.KEY, account.toString());
    }

    @Override
    public void deliver(BareJid account, Stanza stanza) {
        entity(account).tell(new UserEntity.Deliver(stanza));
    }

    @Override
    public void deliverAcknowledged(BareJid account, Message message, ActorRef<SessionMessage> ackTo, long seq) {
        entity(account).tell(new UserEntity.Deliver(message, ackTo, seq));
    }

    @Override
    public void fromOwnSession(BareJid account, Stanza stanza) {
        entity(account).tell(new UserEntity.FromClient(stanza));
    }

    @Override
    public void sent(BareJid account, Message message) {
        entity(account).tell(new UserEntity.Sent(message));
    }
}
