package chorus.node.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two seed nodes started together, the second a moment before the first: the second asks the first before it has
 * formed the cluster and is told it is not a member yet. It joins within seconds of the first being up
 * ({@code chorus.cluster.join-retry}, 3 s), not after {@code seed-node-timeout} (30 s) as with Pekko's retry alone.
 */
class SeedRetryIT {
    @Test
    void nodesStartedTogetherJoinWithinSeconds() throws Exception {
        TestClusterKeys keys = TestClusterKeys.create();
        String keyspace = TestCassandra.newKeyspace();
        int portA = TestNode.freePort();
        int portB = TestNode.freePort();
        Map<String, Object> common = new HashMap<>();
        common.put("chorus.cluster.seed-nodes", "127.0.0.1:" + portA + ",127.0.0.1:" + portB);
        common.put("chorus.cassandra.keyspace", keyspace);
        Map<String, Object> first = new HashMap<>(common);
        first.put("chorus.cluster.port", portA);
        first.put("chorus.cluster.tls.dir", keys.node(1).toString());
        Map<String, Object> second = new HashMap<>(common);
        second.put("chorus.cluster.port", portB);
        second.put("chorus.cluster.tls.dir", keys.node(2).toString());
        long t0 = System.nanoTime();
        CompletableFuture<TestNode> b = CompletableFuture.supplyAsync(() -> {
            try {
                return TestNode.start(second);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        TestNode a = null;
        try {
            a = TestNode.start(first);
            TestNode na = a;
            TestNode nb = b.join();
            long started = System.nanoTime();
            TwoNodes.await(() -> TwoNodes.up(na) == 2 && TwoNodes.up(nb) == 2, Duration.ofSeconds(60), "two members up");
            long afterStart = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("seed retry: both nodes up %d ms after both had started (%d ms after the first start)%n",
                afterStart, (System.nanoTime() - t0) / 1_000_000);
            assertTrue(afterStart < 15_000, "the second seed joined after " + afterStart + " ms");
        } finally {
            b.join().close();
            if (a != null) {
                a.close();
            }
        }
    }
}
