package chorus.node.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Hands the node's registry to the Cassandra driver sessions that the Pekko Persistence plugin opens
 * itself (through {@link MeteredSessionProvider}, which the plugin instantiates by class name). The node
 * sets it right after creating its actor system, before any entity touches the journal.
 */
public final class DriverMetrics implements Extension {
    private static final Id ID = new Id();
    private volatile MeterRegistry registry;

    public static DriverMetrics get(ActorSystem system) {
        return ID.get(system);
    }

    public void use(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The registry, or null when none was set (a system that is not a node's: the sessions go unmeasured). */
    MeterRegistry registry() {
        return registry;
    }

    private static final class Id extends AbstractExtensionId<DriverMetrics> {
        @Override
        public DriverMetrics createExtension(ExtendedActorSystem system) {
            return new DriverMetrics();
        }
    }
}
