package chorus.node.cluster;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Where Pekko's {@link ShardLease}s, which Pekko makes from configuration, find their node's {@link NodeLease}:
 * one per actor system (tests run several nodes in one JVM).
 */
public final class NodeLeases implements Extension {
    private static final class Id extends AbstractExtensionId<NodeLeases> {
        @Override
        public NodeLeases createExtension(ExtendedActorSystem system) {
            return new NodeLeases();
        }
    }

    private static final Id ID = new Id();
    private volatile NodeLease lease;

    /** This system's node lease; null until the node started it. */
    public static NodeLease of(ActorSystem system) {
        return ID.get(system).lease;
    }

    static void set(ActorSystem system, NodeLease lease) {
        ID.get(system).lease = lease;
    }
}
