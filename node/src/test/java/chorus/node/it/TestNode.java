package chorus.node.it;

import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.node.ChorusNode;
import chorus.node.config.Settings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Chorus node for integration tests: its own data directory and ports below 32768 (above it,
 * outgoing connections would take them as source ports), on the loopback interface.
 */
public final class TestNode implements AutoCloseable {
    public static final String DOMAIN = "chorus.test";

    private ChorusNode node;
    private final Path dataDir;
    private final Config config;

    private TestNode(ChorusNode node, Path dataDir, Config config) {
        this.node = node;
        this.dataDir = dataDir;
        this.config = config;
    }

    public static TestNode start() throws Exception {
        return start(Map.of());
    }

    /**
     * Starts a node on the Cassandra node of the test run (scripts/cassandra.sh start; port
     * CHORUS_CASSANDRA_CQL_PORT, default 19042) in a keyspace of its own; {@code overrides} are HOCON
     * paths and values on top of the defaults.
     */
    public static TestNode start(Map<String, Object> overrides) throws Exception {
        Path dataDir = Files.createTempDirectory("chorus-it-");
        Map<String, Object> values = new HashMap<>();
        values.put("chorus.storage", "cassandra");
        values.put("chorus.cassandra.contact-points", java.util.List.of("127.0.0.1:" + TestCassandra.cqlPort()));
        values.put("chorus.cassandra.keyspace", TestCassandra.newKeyspace());
        values.put("chorus.domain", DOMAIN);
        values.put("chorus.bind", "127.0.0.1");
        values.put("chorus.data-dir", dataDir.toString());
        values.put("chorus.c2s.port", freePort());
        values.put("chorus.c2s.tls-port", freePort());
        values.put("chorus.http.port", freePort());
        values.put("chorus.admin.port", freePort());
        values.put("chorus.c2s.auth-failure-delay", "100ms");
        values.put("chorus.cluster.port", freePort());
        // No federation and no server-to-server listener unless a test asks for them (5269 would collide between
        // test runs, and a test of a single server has no peer to reach).
        values.put("chorus.s2s.enabled", false);
        values.put("chorus.s2s.port", 0);
        values.put("chorus.s2s.tls-port", 0);
        values.putAll(overrides);
        Config config = ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()).resolve();
        if (config.getString("chorus.storage").equals("cassandra")
            && !config.getStringList("chorus.cassandra.contact-points").isEmpty()) {
            TestCassandra.requireRunning();
        }
        return new TestNode(ChorusNode.start(Settings.from(config)), dataDir, config);
    }

    /** Stops the node and starts it again on the same data directory, storage and ports. */
    public void restart() throws Exception {
        node.close();
        node = ChorusNode.start(Settings.from(config));
    }

    /** Where a node that is not a TestNode (another process) listens, for {@link Clients}. */
    public record Endpoint(String host, int c2sPort, Path dataDir) {
        public Endpoint(int c2sPort, Path dataDir) {
            this("127.0.0.1", c2sPort, dataDir);
        }

        public java.security.KeyStore trustStore() throws Exception {
            return chorus.node.tls.TlsContexts.create(new chorus.node.tls.TlsSettings(null, null, dataDir, DOMAIN)).trustStore();
        }
    }

    public Endpoint endpoint() {
        return new Endpoint(c2sPort(), dataDir);
    }

    public Config config() {
        return config;
    }

    public String keyspace() {
        return config.getString("chorus.cassandra.keyspace");
    }

    /** Every port handed out in this JVM: two picks for one node (its c2s and its JMX port, say) never coincide. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A port in 20000..32000 that nothing listens on right now on 127.0.0.1, and that was not handed out before. */
    public static int freePort() throws IOException {
        return freePort("127.0.0.1");
    }

    /**
     * A port in 20000..32000 that nothing listens on right now on {@code ip}. Each is handed out once per JVM: a port
     * is free until its server binds it, so two picks made before either binds could otherwise be the same (about one
     * node start in 1,200, for a node's five ports), and the second server fails to start.
     */
    public static int freePort(String ip) throws IOException {
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            if (!GIVEN.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(ip, port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port below 32768 on " + ip);
    }

    public ChorusNode node() {
        return node;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int c2sPort() {
        return node.settings().c2s().port();
    }

    public int tlsPort() {
        return node.settings().c2s().tlsPort();
    }

    public BareJid jid(String local) {
        return new BareJid(local, DOMAIN);
    }

    /** Creates an account through the same path as chorusctl. */
    public BareJid createUser(String local, String password) {
        BareJid jid = jid(local);
        UserEntity.AccountReply r = node.accounts().create(jid, password).toCompletableFuture().join();
        if (!(r instanceof UserEntity.AccountReply.Done)) {
            throw new IllegalStateException("could not create " + jid + ": " + r);
        }
        return jid;
    }

    @Override
    public void close() {
        node.close();
    }
}
