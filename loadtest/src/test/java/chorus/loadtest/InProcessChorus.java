package chorus.loadtest;

import chorus.node.ChorusNode;
import chorus.node.config.Settings;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Chorus node in this JVM for the generator's integration test: on the Cassandra node of the test
 * run (CQL port {@code CHORUS_CASSANDRA_CQL_PORT}, 19042 by default) in a keyspace of its own, on
 * loopback ports below 32768.
 */
final class InProcessChorus implements AutoCloseable {
    static final String DOMAIN = "loadtest.test";

    final ChorusNode node;
    final Path dataDir;

    private InProcessChorus(ChorusNode node, Path dataDir) {
        this.node = node;
        this.dataDir = dataDir;
    }

    static InProcessChorus start() throws Exception {
        int cql = Integer.parseInt(System.getenv().getOrDefault("CHORUS_CASSANDRA_CQL_PORT", "19042").strip());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cql), 2000);
        } catch (IOException e) {
            throw new IllegalStateException("no Cassandra on 127.0.0.1:" + cql + ": run scripts/test.sh, or scripts/cassandra.sh start");
        }
        Path dir = Files.createTempDirectory("chorus-loadtest-it-");
        Map<String, Object> values = Map.ofEntries(
            Map.entry("chorus.storage", "cassandra"),
            Map.entry("chorus.cassandra.contact-points", List.of("127.0.0.1:" + cql)),
            Map.entry("chorus.cassandra.keyspace", "lt_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24)),
            Map.entry("chorus.domain", DOMAIN),
            Map.entry("chorus.bind", "127.0.0.1"),
            Map.entry("chorus.data-dir", dir.toString()),
            Map.entry("chorus.c2s.port", port()),
            Map.entry("chorus.c2s.tls-port", port()),
            Map.entry("chorus.admin.port", port()),
            Map.entry("chorus.http.port", port()),
            Map.entry("chorus.cluster.port", port()),
            Map.entry("chorus.s2s.port", 0),
            Map.entry("chorus.s2s.tls-port", 0));
        Settings settings = Settings.from(ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()).resolve());
        return new InProcessChorus(ChorusNode.start(settings), dir);
    }

    int c2sPort() {
        return node.settings().c2s().port();
    }

    int tlsPort() {
        return node.settings().c2s().tlsPort();
    }

    /** The HTTPS listener: WebSocket at /xmpp-websocket. */
    int httpPort() {
        return node.settings().http().port();
    }

    String adminUrl() {
        return "http://127.0.0.1:" + node.settings().adminPort();
    }

    Path adminToken() {
        return dataDir.resolve("admin.token");
    }

    /** Every port handed out in this JVM: two picks for one node, made before it binds either, never coincide. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A port in 21000..32000 free right now (ports above 32767 are the kernel's ephemeral range), given once. */
    private static int port() throws IOException {
        for (int i = 0; i < 100; i++) {
            int p = ThreadLocalRandom.current().nextInt(21000, 32000);
            if (!GIVEN.add(p)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", p));
                return p;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port");
    }

    @Override
    public void close() {
        node.close();
    }
}
