package chorus.node.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * This node's lease: the right to run its shards' entities, held while the node's own row in {@code node_leases} was
 * written recently. Every {@code renewEvery} the node writes its row with a TTL of {@code ttl}; a write that
 * succeeded makes the lease valid until {@code ttl - guard} after the write <em>started</em>, on this node's
 * monotonic clock. The row lives on each replica until {@code ttl} after that replica <em>received</em> it, later
 * than the start: so once a row is gone, its node's lease ran out at least {@code guard} earlier, and that node had
 * stopped its entities (the guard covers a journal write still in flight, the check's period and clock drift).
 *
 * <p>What hangs on the lease: each shard holds it ({@link ShardLease}) and is stopped, with its entities, the moment
 * it runs out ({@link #check}); a node whose row is gone and whom the cluster cannot reach is downed at once
 * ({@link LeaseDowning}), and its shards start elsewhere without waiting out a removal margin.
 */
public final class NodeLease {
    private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

    /** Where the rows live ({@link chorus.persistence.cluster.NodeLeaseTable} in a node). */
    public interface Store {
        CompletionStage<Void> renew(String node, Duration ttl);

        CompletionStage<Void> remove(String node);

        CompletionStage<Set<String>> live();
    }

    /** How often the row is written, how long it lives, and how much of that the node does not count on. */
    public record Timing(Duration renewEvery, Duration ttl, Duration guard) {
        public Timing {
            if (guard.isNegative() || guard.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("the guard must be shorter than the TTL");
            }
            if (renewEvery.isNegative() || renewEvery.isZero() || renewEvery.compareTo(ttl.minus(guard)) >= 0) {
                throw new IllegalArgumentException("the lease must be written again before it runs out (renew-every < ttl - guard)");
            }
            if (ttl.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("the TTL is whole seconds (a Cassandra TTL)");
            }
        }

        long validityNanos() {
            return ttl.minus(guard).toNanos();
        }
    }

    /** A holder of the lease, told once when it runs out. */
    public static final class Hold {
        private final Runnable onLost;

        private Hold(Runnable onLost) {
            this.onLost = onLost;
        }
    }

    private final String self;
    private final Store store;
    private final Timing timing;
    private final LongSupplier nanos;
    private final List<Hold> holds = new ArrayList<>();
    // Written under the lock, read without it: every entity command asks valid() (Journaled.Fence).
    private volatile boolean renewed;
    private volatile long validUntil;
    private volatile boolean stopped;
    private boolean failing;
    /** Whether the last check found the lease run out (each lapse is counted once). */
    private boolean lapsed;
    private final AtomicLong lapses = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong downings = new AtomicLong();
    /** Whether this node is a member of its cluster yet; the row is written only once it is. */
    private volatile BooleanSupplier member = () -> true;

    public NodeLease(String self, Store store, Timing timing, LongSupplier nanos) {
        this.self = self;
        this.store = store;
        this.timing = timing;
        this.nanos = nanos;
    }

    /**
     * Writes the row only while {@code member} says this node has joined its cluster. A node that has not joined runs
     * no shard, and its row would hold every other node's shards back ({@link ShardLease} waits for every row to be
     * a member's): one that took 30 s to join, or never joins, would stall the cluster that long.
     */
    public void writeOnlyWhen(BooleanSupplier member) {
        this.member = member;
    }

    /** Writes the row once more; called every {@code renewEvery}. */
    public void renew() {
        if (stopped || !member.getAsBoolean()) {
            return;
        }
        long start = nanos.getAsLong();
        store.renew(self, timing.ttl()).whenComplete((ok, failure) -> renewed(start, failure));
    }

    private void renewed(long start, Throwable failure) {
        boolean wasFailing;
        synchronized (this) {
            wasFailing = failing;
            failing = failure != null;
            if (failure == null && !stopped) {
                long until = start + timing.validityNanos();
                if (!renewed || until - validUntil > 0) {
                    validUntil = until;
                }
                renewed = true;
            }
        }
        if (failure != null) {
            failedWrites.incrementAndGet();
        }
        if (failure != null && !wasFailing) {
            log.warn("This node could not write its lease ({}); its shards stop if that lasts {} ms",
                failure.toString(), timing.ttl().minus(timing.guard()).toMillis());
        } else if (failure == null && wasFailing) {
            log.info("This node writes its lease again");
        }
    }

    /** Whether this node may run entities now. */
    public boolean valid() {
        return !stopped && renewed && nanos.getAsLong() - validUntil < 0;
    }

    /**
     * Takes the lease for a holder, told by {@code onLost} when it runs out; null when the lease is not valid now.
     */
    public Hold hold(Runnable onLost) {
        synchronized (this) {
            if (!valid()) {
                return null;
            }
            Hold h = new Hold(onLost);
            holds.add(h);
            return h;
        }
    }

    public synchronized void release(Hold hold) {
        holds.remove(hold);
    }

    /** Tells every holder once the lease has run out; called often (every 100 ms in a node). */
    public void check() {
        List<Hold> lost;
        boolean ended;
        synchronized (this) {
            boolean valid = valid();
            if (!valid && !lapsed && renewed && !stopped) {
                lapses.incrementAndGet();
            }
            lapsed = !valid;
            if (holds.isEmpty() || valid) {
                return;
            }
            lost = new ArrayList<>(holds);
            holds.clear();
            ended = stopped;
        }
        if (ended) {
            log.info("This node gave its lease up: its {} shards stop", lost.size());
        } else {
            log.warn("This node's lease ran out: stopping its {} shards until it is written again", lost.size());
        }
        lost.forEach(h -> h.onLost.run());
    }

    /**
     * Whether every other node with a row now is one of {@code trusted} (members this node sees up and reachable):
     * a node outside them may still run entities that are about to start here.
     */
    public CompletionStage<Boolean> othersSettled(Set<String> trusted) {
        return store.live().thenApply(rows -> {
            for (String row : rows) {
                if (!row.equals(self) && !trusted.contains(row)) {
                    log.debug("The lease of {}, which this node does not see up, has not run out", row);
                    return false;
                }
            }
            return true;
        });
    }

    /** The nodes whose rows are there now. */
    public CompletionStage<Set<String>> live() {
        return store.live();
    }

    /** Times the lease ran out while this node still meant to hold it (not counting its stop), as the checks saw. */
    public long lapses() {
        return lapses.get();
    }

    /** Writes of the row that failed. */
    public long failedWrites() {
        return failedWrites.get();
    }

    /** Members this node downed because they were unreachable and their lease ran out ({@link LeaseDowning}). */
    public long downings() {
        return downings.get();
    }

    void downed() {
        downings.incrementAndGet();
    }

    /** Stops writing the row: the lease runs out, and every holder is told now. */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
        check();
    }

    /** {@link #stop}, then deletes the row so that other nodes need not wait for it to expire. */
    public CompletionStage<Void> giveUp() {
        stop();
        return store.remove(self);
    }
}
