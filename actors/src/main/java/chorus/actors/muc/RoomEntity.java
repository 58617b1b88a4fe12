package chorus.actors.muc;

import chorus.actors.JournaledEntity;
import chorus.actors.ClusterMessage;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Stanza;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.InMemoryArchiveStore;

import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One per room address, placed by Cluster Sharding like the users' entities, so a room lives on one node
 * and its occupants reach it from any node. Holds a {@link Room} (occupants and recent history live only
 * here, in memory), routes what it sends, keeps the directory of public rooms current, and journals a
 * persistent room's stored state ({@link RoomEvent}) so the room outlives its node. An entity passivates
 * once its room has been empty for the idle timeout.
 */
public final class RoomEntity extends JournaledEntity<RoomEntity.Command, RoomEvent, RoomEntity.State> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Room");

    public interface Command extends ClusterMessage {
    }

    /** A stanza addressed to the room or to one of its occupants. */
    public record Deliver(Stanza stanza) implements Command {
    }

    /** A piece of a command too large for one cluster frame; the entity handles the whole once it is here. */
    public record Framed(chorus.actors.cluster.Frame frame) implements Command {
    }

    /** Sent by sharding at passivation or rebalance. */
    public enum Stop implements Command { INSTANCE }

    private enum Idle implements Command { INSTANCE }

    /** The room's next step after its archive answered (local only: never leaves this node). */
    private record Continue(Runnable step) implements Command {
    }

    /** The journaled state: the persistent room as last saved, or null. */
    public record State(RoomEvent.Stored stored) implements ClusterMessage {
    }

    /**
     * What every room of a node shares.
     *
     * @param userDomain the server's domain
     * @param directory  this node's replica of the public room list
     * @param erase      erases a destroyed persistent room's journal (every event and snapshot), given its address
     * @param archive    where archiving rooms keep their messages (the users' archive table), and its settings
     */
    public record Deps(MucSettings settings, String userDomain, StanzaRouter router, RoomListing directory,
                       Clock clock, Consumer<String> erase, ArchiveStore archive, RoomArchiveSettings archiveSettings) {

        /** Rooms whose archives live in memory (tests). */
        public Deps(MucSettings settings, String userDomain, StanzaRouter router, RoomListing directory, Clock clock,
                    Consumer<String> erase) {
            this(settings, userDomain, router, directory, clock, erase,
                new InMemoryArchiveStore(clock, RoomArchiveSettings.defaults().retention()), RoomArchiveSettings.defaults());
        }
    }

    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), deps, ctx.getShard()))
            .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String roomJid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> new RoomEntity(ctx, BareJid.parseBare(roomJid), deps, shard));
    }

    private final ActorContext<Command> ctx;
    private final BareJid jid;
    private final Deps deps;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private Room room;
    private Optional<String> listed = Optional.empty();
    private final chorus.actors.cluster.FrameAssembly framed;

    private RoomEntity(ActorContext<Command> ctx, BareJid jid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(ctx, PersistenceId.of(KEY.name(), jid.toString()), NodeMetrics.EntityType.ROOM);
        this.ctx = ctx;
        this.jid = jid;
        this.deps = deps;
        this.shard = shard;
        this.room = fresh();
        this.framed = new chorus.actors.cluster.FrameAssembly(ctx.getSystem());
        ctx.setReceiveTimeout(deps.settings().idleTimeout(), Idle.INSTANCE);
    }

    private Room fresh() {
        return new Room(jid, deps.settings(), deps.userDomain(), deps.clock(), deps.router()::route, deps.directory(),
            deps.archive(), deps.archiveSettings(), new RoomAsync() {
                @Override
                public <T> void then(CompletionStage<T> stage, BiConsumer<T, Throwable> next) {
                    ctx.pipeToSelf(stage, (v, e) -> new Continue(() -> next.accept(v, e)));
                }
            });
    }

    /** Whether the service counts this room (against its creator's rooms and the service's). */
    private boolean counted;

    /** The service counts a room from its creation (or recovery) to its end. */
    private void count() {
        if (!counted && room.creator() != null) {
            deps.directory().created(jid.toString(), room.creator());
            counted = true;
        }
    }

    @Override
    public State emptyState() {
        return new State(null);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        // Every event holds the whole room: keep one snapshot and drop the events before it.
        return RetentionCriteria.snapshotEvery(10, 1).withDeleteEventsOnSnapshot();
    }

    @Override
    public EventHandler<State, RoomEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
            .onEvent(RoomEvent.Saved.class, (s, e) -> new State(e.room()))
            .onEvent(RoomEvent.Forgotten.class, (s, e) -> new State(null))
            .build();
    }

    @Override
    protected SignalHandlerBuilder<State> signals(SignalHandlerBuilder<State> builder) {
        return builder.onSignal(RecoveryCompleted.instance(), s -> {
            if (s.stored() != null) {
                room.restore(s.stored());
                count();
                relist();
            }
        });
    }

    @Override
    protected CommandHandler<Command, RoomEvent, State> commands() {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(Deliver.class, this::onDeliver)
            .onCommand(Continue.class, (s, c) -> afterRoom(s, c.step()))
            .onCommand(Idle.class, (s, c) -> onIdle())
            .onCommand(Stop.class, (s, c) -> Effect().stop())
            .onCommand(Framed.class, (s, c) -> framed.accept(c.frame())
                .map(whole -> commandHandler().apply(s, (Command) whole)).orElseGet(() -> Effect().none()))
            .build();
    }

    private Effect<RoomEvent, State> onDeliver(State s, Deliver d) {
        return afterRoom(s, () -> room.handle(d.stanza()));
    }

    /** Runs a step of the room, then lists, counts and journals what it changed. */
    private Effect<RoomEvent, State> afterRoom(State s, Runnable step) {
        Room before = room;
        int revision = room.storedRevision();
        step.run();
        if (room != before) {
            return Effect().none(); // a step of a room that ended and was replaced
        }
        boolean gone = room.gone();
        if (gone) {
            deps.directory().gone(jid.toString());
            counted = false;
        } else {
            count();
        }
        if (!gone && room.storedRevision() == revision) {
            return Effect().none(); // occupants and messages: nothing to list or to journal
        }
        RoomEvent.Stored now = room.stored();
        if (gone) {
            room = fresh();
        }
        relist();
        if (Objects.equals(now, s.stored())) {
            return Effect().none();
        }
        if (now == null) {
            // Destroyed (or made temporary and emptied): what the journal held of the room goes too.
            return Effect().persist((RoomEvent) new RoomEvent.Forgotten(deps.clock().millis()))
                .thenRun(st -> deps.erase().accept(jid.toString()));
        }
        return Effect().persist(new RoomEvent.Saved(now));
    }

    private void relist() {
        Optional<String> now = room.listing();
        if (!now.equals(listed)) {
            if (now.isPresent()) {
                deps.directory().publish(jid.toString(), now.get());
            } else {
                deps.directory().withdraw(jid.toString());
            }
            listed = now;
        }
    }

    private Effect<RoomEvent, State> onIdle() {
        if (room.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return Effect().none();
    }
}
