package chorus.node.metrics;

import chorus.node.cluster.NodeLease;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The node lease (README "Cluster") as meters, registered only where the lease is on: whether this node may run
 * entities now, how often its lease ran out, how many of its writes failed, and how many members it downed because
 * their lease ran out. A lapse means the node stopped its entities until it could write again: an alert, not a
 * curiosity.
 */
public final class LeaseGauges {
    private LeaseGauges() {
    }

    public static void register(NodeLease lease, MeterRegistry registry) {
        Gauge.builder("chorus.cluster.lease.valid", lease, l -> l.valid() ? 1 : 0)
            .description("1 while this node's lease is valid (it may run entities), else 0")
            .strongReference(true).register(registry);
        FunctionCounter.builder("chorus.cluster.lease.lapses", lease, NodeLease::lapses)
            .description("times this node's lease ran out and its entities stopped").register(registry);
        FunctionCounter.builder("chorus.cluster.lease.write.failures", lease, NodeLease::failedWrites)
            .description("writes of this node's lease row that failed").register(registry);
        FunctionCounter.builder("chorus.cluster.lease.downings", lease, NodeLease::downings)
            .description("unreachable members this node downed because their lease ran out").register(registry);
    }
}
