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
 * and shard: its sender keeps it until the entity accepted it and sends it again (through sharding) otherwise.
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

    @Override
    public void deliverAcknowledged(BareJid account, Stanza stanza, ActorRef<SessionMessage> ackTo, long seq) {
        UserEntity.Deliver deliver = new UserEntity.Deliver(stanza, ackTo, seq);
        ActorRef<UserEntity.Command> here = local.get(account.toString());
        if (here != null) {
            here.tell(deliver);
        } else {
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
