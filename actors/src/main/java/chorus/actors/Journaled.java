package chorus.actors;

import chorus.actors.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.SupervisorStrategy;

import java.time.Duration;
import java.util.function.Consumer;

/** What the sharded, event-sourced entities (users, mailboxes, rooms) share; see {@link JournaledEntity}. */
public final class Journaled {
    /** A journal that fails (Cassandra away) restarts the entity after 0.2 s, backing off to 5 s. */
    public static final BackoffSupervisorStrategy RESTART_ON_JOURNAL_FAILURE =
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

    private Journaled() {
    }

    /**
     * Where the entities of one actor system report their journal failures (a write or a recovery that failed and
     * restarted the entity): nowhere until the node points it at its meters ({@link NodeMetrics#journalFailed}).
     */
    public static final class Failures implements Extension {
        private static final Id ID = new Id();
        private volatile Consumer<NodeMetrics.EntityType> sink = type -> { };

        public static Failures get(ActorSystem<?> system) {
            return ID.apply(system);
        }

        /** From now on each failure goes to {@code sink}. */
        public void reportTo(Consumer<NodeMetrics.EntityType> sink) {
            this.sink = sink;
        }

        void failed(NodeMetrics.EntityType type) {
            sink.accept(type);
        }

        private static final class Id extends ExtensionId<Failures> {
            @Override
            public Failures createExtension(ActorSystem<?> system) {
                return new Failures();
            }
        }
    }

    /**
     * Whether this node may write to the journals now: always, until the node hands in its lease's check
     * ({@code chorus.node.cluster.NodeLease#valid}). An entity asks before every command ({@link JournaledEntity}),
     * so a node that resumes from a stall longer than its lease stops the entity instead of writing beside its
     * new incarnation on another node.
     */
    public static final class Fence implements Extension {
        private static final FenceId ID = new FenceId();
        private volatile java.util.function.BooleanSupplier holds = () -> true;

        public static Fence get(ActorSystem<?> system) {
            return ID.apply(system);
        }

        /** From now on entities write only while {@code holds} says so. */
        public void guardWith(java.util.function.BooleanSupplier holds) {
            this.holds = holds;
        }

        public boolean holds() {
            return holds.getAsBoolean();
        }

        private static final class FenceId extends ExtensionId<Fence> {
            @Override
            public Fence createExtension(ActorSystem<?> system) {
                return new Fence();
            }
        }
    }
}
