package chorus.node.it;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cluster of two in-process nodes over the TLS cluster link, sharing one keyspace of the test Cassandra. */
final class TwoNodes implements AutoCloseable {
    final TestNode a;
    final TestNode b;

    private TwoNodes(TestNode a, TestNode b) {
        this.a = a;
        this.b = b;
    }

    static TwoNodes start(Map<String, Object> overrides) throws Exception {
        return start(overrides, Map.of());
    }

    /** Two nodes with {@code overrides}, the second with {@code onlyB} as well. */
    static TwoNodes start(Map<String, Object> overrides, Map<String, Object> onlyB) throws Exception {
        TestClusterKeys keys = TestClusterKeys.create();
        String keyspace = TestCassandra.newKeyspace();
        int seed = TestNode.freePort();
        Map<String, Object> common = new java.util.HashMap<>(overrides);
        common.put("chorus.cluster.seed-nodes", "127.0.0.1:" + seed);
        common.put("chorus.cassandra.keyspace", keyspace);
        Map<String, Object> first = new java.util.HashMap<>(common);
        first.put("chorus.cluster.port", seed);
        first.put("chorus.cluster.tls.dir", keys.node(1).toString());
        TestNode a = TestNode.start(first);
        Map<String, Object> second = new java.util.HashMap<>(common);
        second.put("chorus.cluster.port", TestNode.freePort());
        second.put("chorus.cluster.tls.dir", keys.node(2).toString());
        second.putAll(onlyB);
        TestNode b;
        try {
            b = TestNode.start(second);
        } catch (Exception e) {
            a.close();
            throw e;
        }
        TwoNodes nodes = new TwoNodes(a, b);
        await(() -> up(a) == 2 && up(b) == 2, Duration.ofSeconds(60), "two members up");
        return nodes;
    }

    static long up(TestNode n) {
        return StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    static void await(MessagingIT.Check check, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && !check.ok()) {
            Thread.sleep(100);
        }
        assertTrue(check.ok(), what);
    }

    @Override
    public void close() {
        b.close();
        a.close();
    }
}
