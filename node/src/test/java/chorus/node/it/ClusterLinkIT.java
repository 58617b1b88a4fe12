package chorus.node.it;

import chorus.node.tls.ClusterKeys;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster link is TLS with mutual authentication: nodes whose certificates come from the cluster's
 * CA and name the cluster form a cluster; a node with a certificate of another CA, or of the right CA but
 * for another cluster, never becomes a member.
 */
class ClusterLinkIT {
    /** Joining takes seconds; a machine busy with other work may make it take much longer. */
    static final java.time.Duration JOIN = java.time.Duration.ofSeconds(90);
    final List<TestNode> started = new ArrayList<>();

    @AfterEach
    void stop() {
        for (TestNode n : started) {
            n.close();
        }
    }

    TestNode start(Path keys, int port, int seedPort, String keyspace) throws Exception {
        TestNode n = TestNode.start(Map.of(
            "chorus.cluster.port", port,
            "chorus.cluster.seed-nodes", "127.0.0.1:" + seedPort,
            "chorus.cluster.tls.dir", keys.toString(),
            "chorus.cassandra.keyspace", keyspace,
            // the outsider gives up on its own after this long; the test has decided by then
            "pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes", "120s"));
        started.add(n);
        return n;
    }

    static long upMembers(TestNode n) {
        return StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    static boolean isMember(TestNode n) {
        MemberStatus s = Cluster.get(n.node().system()).selfMember().status();
        return s == MemberStatus.up() || s == MemberStatus.joining() || s == MemberStatus.weaklyUp();
    }

    @Test
    void onlyANodeWithACertificateOfTheClusterCaJoins() throws Exception {
        Path dir = Files.createTempDirectory("chorus-link-");
        Clock clock = Clock.systemUTC();
        ClusterKeys.createCa(dir.resolve("ca"), clock);
        ClusterKeys.createCa(dir.resolve("other-ca"), clock);
        ClusterKeys.issueNode(dir.resolve("ca"), dir.resolve("a"), "chorus-cluster", "a", clock);
        ClusterKeys.issueNode(dir.resolve("ca"), dir.resolve("b"), "chorus-cluster", "b", clock);
        ClusterKeys.issueNode(dir.resolve("other-ca"), dir.resolve("stranger"), "chorus-cluster", "stranger", clock);
        ClusterKeys.issueNode(dir.resolve("ca"), dir.resolve("neighbour"), "another-cluster", "neighbour", clock);
        String keyspace = TestCassandra.newKeyspace();
        int seed = TestNode.freePort();

        TestNode a = start(dir.resolve("a"), seed, seed, keyspace);
        TwoNodes.await(() -> upMembers(a) == 1, JOIN, "the first node forms the cluster");

        TestNode stranger = start(dir.resolve("stranger"), TestNode.freePort(), seed, keyspace);
        TestNode neighbour = start(dir.resolve("neighbour"), TestNode.freePort(), seed, keyspace);
        // A node of the cluster joins within seconds: the outsiders had that long and longer.
        TestNode b = start(dir.resolve("b"), TestNode.freePort(), seed, keyspace);
        TwoNodes.await(() -> upMembers(a) == 2 && isMember(b), JOIN, "a node with the cluster's keys joins");
        Thread.sleep(10_000);
        assertEquals(2, upMembers(a), "only the two nodes with the cluster's keys are members");
        assertEquals(2, Cluster.get(a.node().system()).state().members().size());
        assertTrue(!isMember(stranger), "a node with another CA's certificate became a member");
        assertTrue(!isMember(neighbour), "a node of another cluster (same CA, other name) became a member");
    }
}
