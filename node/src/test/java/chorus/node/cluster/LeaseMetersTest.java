package chorus.node.cluster;

import chorus.node.metrics.LeaseGauges;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node lease's meters follow what the lease does: valid or not, each lapse once, failed writes, downings. */
class LeaseMetersTest {
    static final long S = NodeLeaseTest.S;

    final AtomicLong now = new AtomicLong(1_000 * S);
    final NodeLeaseTest.Rows rows = new NodeLeaseTest.Rows();
    final NodeLease lease = new NodeLease("me", rows, NodeLeaseTest.TIMING, now::get);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    LeaseMetersTest() {
        LeaseGauges.register(lease, registry);
    }

    double valid() {
        return registry.get("chorus.cluster.lease.valid").gauge().value();
    }

    double counted(String name) {
        return registry.get(name).functionCounter().count();
    }

    @Test
    void eachLapseIsCountedOnceAndTheGaugeFollowsTheLease() {
        assertEquals(0, valid(), "no write yet");
        lease.check();
        assertEquals(0, counted("chorus.cluster.lease.lapses"), "a lease never held has not lapsed");
        writtenThenRunOut();
        lease.check();
        assertEquals(0, valid());
        assertEquals(1, counted("chorus.cluster.lease.lapses"), "one lapse, however often it is checked");
        writtenThenRunOut();
        assertEquals(2, counted("chorus.cluster.lease.lapses"));
    }

    /** A write succeeds (the gauge shows the lease valid), then the lease's 3 s pass without another. */
    void writtenThenRunOut() {
        lease.renew();
        rows.completeLast();
        lease.check();
        assertEquals(1, valid());
        now.addAndGet(3 * S);
        lease.check();
    }

    @Test
    void failedWritesAreCountedAndAStopIsNoLapse() {
        lease.renew();
        rows.completeLast();
        lease.renew();
        rows.writes.get(1).completeExceptionally(new RuntimeException("timeout"));
        lease.renew();
        rows.writes.get(2).completeExceptionally(new RuntimeException("timeout"));
        assertEquals(2, counted("chorus.cluster.lease.write.failures"));
        lease.stop();
        lease.check();
        assertEquals(0, valid());
        assertEquals(0, counted("chorus.cluster.lease.lapses"), "giving the lease up is not a lapse");
    }

    @Test
    void downingsAreCounted() {
        lease.downed();
        assertEquals(1, counted("chorus.cluster.lease.downings"));
    }
}
