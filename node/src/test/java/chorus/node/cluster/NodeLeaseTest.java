package chorus.node.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeLeaseTest {
    static final NodeLease.Timing TIMING = new NodeLease.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(2));
    static final long S = 1_000_000_000L;

    /** Rows in memory; each write completes when the test says. */
    static final class Rows implements NodeLease.Store {
        final Set<String> rows = new HashSet<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();

        public CompletionStage<Void> renew(String node, Duration ttl) {
            rows.add(node);
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return w;
        }

        public CompletionStage<Void> remove(String node) {
            rows.remove(node);
            return CompletableFuture.completedFuture(null);
        }

        public CompletionStage<Set<String>> live() {
            return CompletableFuture.completedFuture(Set.copyOf(rows));
        }

        void completeLast() {
            writes.get(writes.size() - 1).complete(null);
        }
    }

    final AtomicLong now = new AtomicLong(1_000 * S);
    final Rows rows = new Rows();
    final NodeLease lease = new NodeLease("me", rows, TIMING, now::get);

    @Test
    void theLeaseIsValidOnlyFromASuccessfulWriteUntilTtlMinusGuardAfterTheWriteBegan() {
        assertFalse(lease.valid(), "valid before any write");
        lease.renew();
        assertFalse(lease.valid(), "valid before the write succeeded");
        now.addAndGet(2 * S);
        rows.completeLast();
        assertTrue(lease.valid());
        now.addAndGet(S - 1);
        assertTrue(lease.valid(), "3 s after the write began");
        now.addAndGet(1);
        assertFalse(lease.valid(), "counted from the write's start, not its end");
    }

    @Test
    void aFailedWriteDoesNotExtendTheLeaseAndALateSuccessDoesNotShortenIt() {
        lease.renew();
        rows.completeLast();
        now.addAndGet(S);
        lease.renew();
        CompletableFuture<Void> second = rows.writes.get(1);
        now.addAndGet(S);
        lease.renew();
        rows.completeLast();
        second.completeExceptionally(new RuntimeException("timeout"));
        now.addAndGet(3 * S - 1);
        assertTrue(lease.valid(), "valid until 3 s after the third write began");
        now.addAndGet(1);
        assertFalse(lease.valid());
    }

    @Test
    void holdersAreToldOnceWhenTheLeaseRunsOutAndNotBefore() {
        lease.renew();
        rows.completeLast();
        AtomicInteger lost = new AtomicInteger();
        assertNotNull(lease.hold(lost::incrementAndGet));
        now.addAndGet(2 * S);
        lease.check();
        assertEquals(0, lost.get());
        now.addAndGet(S);
        lease.check();
        lease.check();
        assertEquals(1, lost.get());
        assertNull(lease.hold(lost::incrementAndGet), "no hold on a lease that ran out");
        lease.renew();
        rows.completeLast();
        assertNotNull(lease.hold(lost::incrementAndGet), "a new write gives the lease back");
    }

    @Test
    void aReleasedHolderIsNotTold() {
        lease.renew();
        rows.completeLast();
        AtomicInteger lost = new AtomicInteger();
        lease.release(lease.hold(lost::incrementAndGet));
        now.addAndGet(10 * S);
        lease.check();
        assertEquals(0, lost.get());
    }

    @Test
    void stoppingTellsHoldersAtOnceAndGivingUpDeletesTheRow() {
        lease.renew();
        rows.completeLast();
        AtomicInteger lost = new AtomicInteger();
        lease.hold(lost::incrementAndGet);
        lease.giveUp();
        assertEquals(1, lost.get());
        assertFalse(lease.valid());
        assertEquals(Set.of(), rows.rows);
        lease.renew();
        assertEquals(Set.of(), rows.rows, "a stopped lease is not written again");
    }

    @Test
    void othersAreSettledOnlyWhenEveryOtherRowIsATrustedMember() throws Exception {
        rows.rows.addAll(Set.of("me", "a", "b"));
        assertTrue(lease.othersSettled(Set.of("a", "b", "c")).toCompletableFuture().get());
        assertFalse(lease.othersSettled(Set.of("a")).toCompletableFuture().get(), "b's lease may still run");
        rows.rows.remove("b");
        assertTrue(lease.othersSettled(Set.of("a")).toCompletableFuture().get());
    }

    @Test
    void timingsThatCannotHoldAreRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> new NodeLease.Timing(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertThrows(IllegalArgumentException.class,
            () -> new NodeLease.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class,
            () -> new NodeLease.Timing(Duration.ofSeconds(1), Duration.ofMillis(4500), Duration.ofSeconds(2)));
    }

    @Test
    void aNodeThatHasNotJoinedWritesNoRowAndHoldsNoLease() {
        java.util.concurrent.atomic.AtomicBoolean joined = new java.util.concurrent.atomic.AtomicBoolean();
        lease.writeOnlyWhen(joined::get);
        lease.renew();
        assertEquals(Set.of(), rows.rows, "a row before joining would hold the members' shards back");
        assertTrue(rows.writes.isEmpty());
        assertFalse(lease.valid());
        joined.set(true);
        lease.renew();
        rows.completeLast();
        assertEquals(Set.of("me"), rows.rows);
        assertTrue(lease.valid());
    }
}
