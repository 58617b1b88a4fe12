package chorus.actors.diagnostics;

import chorus.actors.ClusterMessage;
import chorus.persistence.diagnostics.DiagnosticsStore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cluster singleton that deletes delivery-failure records older than the retention, once per
 * interval (weekly). When it last ran is persisted, so a handover to another node neither runs early
 * nor skips a run; a run is idempotent (whole days are dropped), so two runs do no harm.
 */
public final class DiagnosticsPruner
        extends EventSourcedBehavior<DiagnosticsPruner.Command, DiagnosticsPruner.Event, DiagnosticsPruner.State> {

    public interface Command extends ClusterMessage {
    }

    /** Run now if a run is due (the timer sends it; tests may too). */
    public enum Check implements Command { INSTANCE }

    /** Run now regardless, and say which days were dropped. */
    public record RunNow(ActorRef<Ran> replyTo) implements Command {
    }

    private record Pruned(Instant at, List<LocalDate> dropped, Throwable failure, ActorRef<Ran> replyTo) implements Command {
    }

    public interface Event extends ClusterMessage {
    }

    /** A run finished: these days were dropped. */
    public record Ran(Instant at, List<LocalDate> dropped) implements Event {
        public Ran {
            dropped = List.copyOf(dropped);
        }
    }

    public record State(Instant lastRun) implements ClusterMessage {
    }

    /** Starts the singleton (on the oldest node) and returns a proxy to it, valid on every node. */
    public static ActorRef<Command> init(ActorSystem<?> system, DiagnosticsStore store, DiagnosticsSettings settings,
                                         Clock clock) {
        return ClusterSingleton.get(system).init(SingletonActor.of(
            Behaviors.supervise(create(store, settings, clock)).onFailure(SupervisorStrategy.restart()),
            "diagnostics-pruner"));
    }

    public static Behavior<Command> create(DiagnosticsStore store, DiagnosticsSettings settings, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Check.INSTANCE, settings.checkEvery());
            return new DiagnosticsPruner(ctx, store, settings, clock);
        }));
    }

    private final ActorContext<Command> ctx;
    private final DiagnosticsStore store;
    private final DiagnosticsSettings settings;
    private final Clock clock;
    private boolean running;

    private DiagnosticsPruner(ActorContext<Command> ctx, DiagnosticsStore store, DiagnosticsSettings settings, Clock clock) {
        super(PersistenceId.ofUniqueId("diagnostics-pruner"),
            SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.ctx = ctx;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public State emptyState() {
        return new State(null);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(10, 1).withDeleteEventsOnSnapshot();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onEvent(Ran.class, (s, e) -> new State(e.at())).build();
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(Check.class, (s, c) -> {
                if (due(s, clock.instant())) {
                    run(null);
                }
                return Effect().none();
            })
            .onCommand(RunNow.class, (s, c) -> {
                run(c.replyTo());
                return Effect().none();
            })
            .onCommand(Pruned.class, this::onPruned)
            .build();
    }

    /** Due when it never ran, or the interval since the last run has passed. */
    boolean due(State s, Instant now) {
        return !running && (s.lastRun() == null || !now.isBefore(s.lastRun().plus(settings.pruneEvery())));
    }

    private void run(ActorRef<Ran> replyTo) {
        running = true;
        Instant now = clock.instant();
        LocalDate cutoff = LocalDate.ofInstant(now.minus(settings.retention()), ZoneOffset.UTC);
        ctx.pipeToSelf(prune(cutoff), (dropped, failure) -> new Pruned(now, dropped, failure, replyTo));
    }

    /** Drops every day that ended before the retention began. */
    private CompletionStage<List<LocalDate>> prune(LocalDate cutoff) {
        return store.days().thenCompose(days -> {
            List<LocalDate> old = new ArrayList<>();
            for (LocalDate d : days) {
                if (d.isBefore(cutoff)) {
                    old.add(d);
                }
            }
            CompletableFuture<?>[] drops = old.stream().map(d -> store.dropDay(d).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(drops).thenApply(v -> old);
        });
    }

    private Effect<Event, State> onPruned(State s, Pruned p) {
        running = false;
        if (p.failure() != null) {
            ctx.getLog().warn("pruning diagnostics failed: {}; the next check tries again", p.failure().getClass().getSimpleName());
            return Effect().none();
        }
        if (!p.dropped().isEmpty()) {
            ctx.getLog().info("pruned delivery-failure records of {} day(s)", p.dropped().size());
        }
        Ran ran = new Ran(p.at(), p.dropped());
        return Effect().persist(ran).thenRun(st -> {
            if (p.replyTo() != null) {
                p.replyTo().tell(ran);
            }
        });
    }
}
