package chorus.node.it;

import chorus.node.tls.ClusterKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** A cluster CA for a test's node processes, and a key directory per node (CHORUS_CLUSTER_TLS_DIR). */
public final class TestClusterKeys {
    private final Path dir;

    private TestClusterKeys(Path dir) {
        this.dir = dir;
    }

    public static TestClusterKeys create() throws IOException {
        Path dir = Files.createTempDirectory("chorus-cluster-keys-");
        ClusterKeys.createCa(dir.resolve("ca"), Clock.systemUTC());
        return new TestClusterKeys(dir);
    }

    /** The key directory of node {@code i}, issued on first use. */
    public Path node(int i) {
        Path d = dir.resolve("node-" + i);
        if (!Files.exists(d.resolve(ClusterKeys.CERT))) {
            ClusterKeys.issueNode(dir.resolve("ca"), d, ClusterKeys.DEFAULT_CLUSTER_NAME, "node-" + i, Clock.systemUTC());
        }
        return d;
    }
}
