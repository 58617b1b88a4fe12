package chorus.actors;

import chorus.actors.metrics.NodeMetrics;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

/**
 * An event-sourced entity of the cluster (user, mailbox, room): when its journal fails (a write, or the recovery
 * of its events), Pekko restarts it with {@link Journaled#RESTART_ON_JOURNAL_FAILURE}'s back-off, and each such
 * restart is reported to {@link Journaled.Failures} under the entity's type. The restart is the one place every
 * journal failure passes (the back-off supervises only journal failures), so no entity counts its own.
 */
public abstract class JournaledEntity<C, E, S> extends EventSourcedBehavior<C, E, S> {
    private final Journaled.Failures failures;
    private final Journaled.Fence fence;
    private final NodeMetrics.EntityType type;

    protected JournaledEntity(ActorContext<?> ctx, PersistenceId id, NodeMetrics.EntityType type) {
        super(id, Journaled.RESTART_ON_JOURNAL_FAILURE);
        this.failures = Journaled.Failures.get(ctx.getSystem());
        this.fence = Journaled.Fence.get(ctx.getSystem());
        this.type = type;
    }

    @Override
    public final SignalHandler<S> signalHandler() {
        return signals(newSignalHandlerBuilder().onSignal(PreRestart.instance(), state -> failures.failed(type)))
            .build();
    }

    /**
     * The entity's commands ({@link #commands}), each only while this node may write to the journals
     * ({@link Journaled.Fence}); otherwise the entity stops unanswered, its shard is being stopped too, and the
     * asker's retry finds the entity where it runs next.
     */
    @Override
    public final CommandHandler<C, E, S> commandHandler() {
        CommandHandler<C, E, S> commands = commands();
        return (state, command) -> fence.holds() ? commands.apply(state, command) : Effect().stop();
    }

    /** The entity's command handler. */
    protected abstract CommandHandler<C, E, S> commands();

    /** The entity's own signals (such as RecoveryCompleted), added to the builder. */
    protected SignalHandlerBuilder<S> signals(SignalHandlerBuilder<S> builder) {
        return builder;
    }
}
