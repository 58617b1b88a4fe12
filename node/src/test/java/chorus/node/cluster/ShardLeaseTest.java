package chorus.node.cluster;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardLeaseTest {
    static final long S = 1_000_000_000L;
    final AtomicLong now = new AtomicLong(5_000 * S);
    final NodeLeaseTest.Rows rows = new NodeLeaseTest.Rows();
    final NodeLease node = new NodeLease("me", rows, NodeLeaseTest.TIMING, now::get);
    final Set<String> trusted = new HashSet<>();
    final ShardLease shard = new ShardLease(LeaseSettings.apply(ConfigFactory.parseString(
        "lease-class = x, heartbeat-timeout = 120s, heartbeat-interval = 12s, lease-operation-timeout = 5s"),
        "chorus-shard-User-1", "127.0.0.1:25520"), () -> node, () -> Set.copyOf(trusted));
    final AtomicInteger lost = new AtomicInteger();

    boolean acquire() throws Exception {
        return shard.acquire((Optional<Throwable> reason) -> lost.incrementAndGet()).toCompletableFuture().get();
    }

    void renew() {
        node.renew();
        rows.completeLast();
    }

    @Test
    void aShardStartsOnlyWhileItsNodesLeaseIsValid() throws Exception {
        assertFalse(acquire(), "before the node's first write");
        renew();
        assertTrue(acquire());
        assertTrue(shard.checkLease());
        now.addAndGet(4 * S);
        assertFalse(shard.checkLease());
        assertFalse(acquire());
    }

    @Test
    void aShardWaitsWhileANodeThatIsNotATrustedMemberStillHasItsRow() throws Exception {
        renew();
        rows.rows.add("downed-node");
        assertFalse(acquire(), "the downed node may still run this shard");
        trusted.add("downed-node");
        assertTrue(acquire(), "a member up and reachable handed its shards over");
        trusted.clear();
        rows.rows.remove("downed-node");
        assertTrue(acquire(), "its lease ran out");
    }

    @Test
    void theShardIsToldWhenTheNodesLeaseRunsOutAndMayTakeItAgainLater() throws Exception {
        renew();
        assertTrue(acquire());
        now.addAndGet(3 * S);
        node.check();
        assertEquals(1, lost.get());
        assertFalse(shard.checkLease());
        renew();
        assertTrue(acquire());
        assertTrue(shard.checkLease());
        shard.release();
        assertFalse(shard.checkLease());
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        node.check();
        assertEquals(1, lost.get(), "a released lease is not lost again");
    }
}
