package chorus.actors.muc;

import chorus.actors.ClusterMessage;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Clock;
import java.util.Optional;

/**
 * One per room address, placed by Cluster Sharding like the users' entities, so a room lives on one node
 * and its occupants reach it from any node. Holds a {@link Room}, routes what it sends, keeps the
 * directory of public rooms current, and passivates once the room has been empty for the idle timeout.
 */
public final class RoomEntity extends AbstractBehavior<RoomEntity.Command> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Room");

    public interface Command extends ClusterMessage {
    }

    /** A stanza addressed to the room or to one of its occupants. */
    public record Deliver(Stanza stanza) implements Command {
    }

    /** Sent by sharding at passivation or rebalance. */
    public enum Stop implements Command { INSTANCE }

    private enum Idle implements Command { INSTANCE }

    /**
     * What every room of a node shares.
     *
     * @param userDomain the server's domain
     * @param directory  this node's replica of the public room list
     */
    public record Deps(MucSettings settings, String userDomain, StanzaRouter router, RoomDirectory directory,
                       Clock clock) {
    }

    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), deps, ctx.getShard()))
            .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String roomJid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> new RoomEntity(ctx, BareJid.parseBare(roomJid), deps, shard));
    }

    private final BareJid jid;
    private final Deps deps;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private Room room;
    private Optional<String> listed = Optional.empty();

    private RoomEntity(ActorContext<Command> ctx, BareJid jid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(ctx);
        this.jid = jid;
        this.deps = deps;
        this.shard = shard;
        this.room = fresh();
        ctx.setReceiveTimeout(deps.settings().idleTimeout(), Idle.INSTANCE);
    }

    private Room fresh() {
        return new Room(jid, deps.settings(), deps.userDomain(), deps.clock(), deps.router()::route);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Deliver.class, this::onDeliver)
            .onMessageEquals(Idle.INSTANCE, this::onIdle)
            .onMessageEquals(Stop.INSTANCE, this::onStop)
            .build();
    }

    private Behavior<Command> onDeliver(Deliver d) {
        room.handle(d.stanza());
        if (room.gone()) {
            room = fresh();
        }
        Optional<String> now = room.listing();
        if (!now.equals(listed)) {
            if (now.isPresent()) {
                deps.directory().publish(jid.toString(), now.get());
            } else {
                deps.directory().withdraw(jid.toString());
            }
            listed = now;
        }
        return this;
    }

    private Behavior<Command> onIdle() {
        if (room.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }

    private Behavior<Command> onStop() {
        if (listed.isPresent()) {
            deps.directory().withdraw(jid.toString());
        }
        return Behaviors.stopped();
    }
}
