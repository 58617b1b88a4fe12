package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node under attack: its own process with a small heap (so an attack that costs memory shows as an
 * OutOfMemoryError, which ends the process), on the test run's Cassandra, with JMX on loopback to read its
 * heap after a full GC. The shared checks of the attack tests: the heap is back near its baseline, and real
 * clients still log in and exchange messages.
 */
final class AttackTarget implements AutoCloseable {
    static final String PASSWORD = "pw";

    final Path dataDir;
    final int c2sPort;
    final int tlsPort;
    final int adminPort;
    final int jmxPort;
    final NodeProcess process;
    private JMXConnector jmx;

    private AttackTarget(Path dataDir, int c2sPort, int tlsPort, int adminPort, int jmxPort, NodeProcess process) {
        this.dataDir = dataDir;
        this.c2sPort = c2sPort;
        this.tlsPort = tlsPort;
        this.adminPort = adminPort;
        this.jmxPort = jmxPort;
        this.process = process;
    }

    /** A node with this maximum heap and these settings on top of the defaults, and accounts for these users. */
    static AttackTarget start(String heap, Map<String, String> settings, String... users) throws Exception {
        return start(heap, settings, List.of(), users);
    }

    /** As {@link #start(String, Map, String...)} with more JVM options (they win over the defaults). */
    static AttackTarget start(String heap, Map<String, String> settings, List<String> jvmOptions, String... users)
        throws Exception {
        TestCassandra.requireRunning();
        Path dataDir = Files.createTempDirectory("chorus-attack-");
        int c2s = TestNode.freePort();
        int tls = TestNode.freePort();
        int admin = TestNode.freePort();
        int jmx = TestNode.freePort();
        Map<String, String> props = new HashMap<>(Map.of(
            "chorus.domain", TestNode.DOMAIN, "chorus.bind", "127.0.0.1", "chorus.data-dir", dataDir.toString(),
            "chorus.c2s.port", "" + c2s, "chorus.c2s.tls-port", "" + tls, "chorus.admin.port", "" + admin,
            "chorus.cluster.port", "" + TestNode.freePort(), "chorus.cassandra.keyspace", TestCassandra.newKeyspace(),
            "chorus.c2s.auth-failure-delay", "100ms"));
        props.putAll(settings);
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xms" + heap,
            "-Dcom.sun.management.jmxremote.port=" + jmx, "-Dcom.sun.management.jmxremote.rmi.port=" + jmx,
            "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
            "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
        jvm.addAll(jvmOptions);
        NodeProcess p = NodeProcess.launch(NodeProcess.command(props, jvm),
            Map.of("CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort()));
        AttackTarget t = new AttackTarget(dataDir, c2s, tls, admin, jmx, p);
        for (String u : users) {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(dataDir, admin, "user", "add", u, PASSWORD);
            assertEquals(0, r.code(), r.err());
        }
        return t;
    }

    TestNode.Endpoint endpoint() {
        return new TestNode.Endpoint(c2sPort, dataDir);
    }

    javax.net.ssl.SSLContext tls() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {Clients.trustManager(endpoint())}, null);
        return ctx;
    }

    boolean alive() {
        return process.process.isAlive();
    }

    /** Fails with the node's last words when its process ended. */
    void assertAlive() throws Exception {
        if (!process.process.waitFor(200, TimeUnit.MILLISECONDS)) {
            return;
        }
        String out = process.outputSinceStart();
        throw new AssertionError("the node process ended with exit code " + process.process.exitValue() + ": "
            + (out.length() > 2000 ? out.substring(out.length() - 2000) : out));
    }

    /** Bytes of heap in use after full collections, as the node's own MemoryMXBean reports them. */
    long heapAfterGc() throws Exception {
        assertAlive();
        if (jmx == null) {
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
        }
        MBeanServerConnection c = jmx.getMBeanServerConnection();
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME,
            MemoryMXBean.class);
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
            Thread.sleep(200);
        }
        return least;
    }

    /**
     * Asserts the node is back near {@code baseline}: a little garbage of the attack may be in flight, and
     * the node grows caches as it serves (sessions, entities), so "near" is within {@code slackMiB}.
     */
    long assertHeapNear(long baseline, long slackMiB, String what) throws Exception {
        long after = heapAfterGc();
        System.out.printf("%s: heap after GC %.1f MiB (baseline %.1f MiB)%n", what, after / 1048576.0, baseline / 1048576.0);
        assertTrue(after < baseline + slackMiB * 1024 * 1024, what + ": heap " + after / 1048576 + " MiB after GC, baseline "
            + baseline / 1048576 + " MiB");
        return after;
    }

    /** Two real clients (Smack) log in and exchange a message each way. */
    void assertRealClientsWork(String a, String b) throws Exception {
        aRealClientStillWorks(endpoint(), a, b);
    }

    static void aRealClientStillWorks(TestNode.Endpoint at, String a, String b) throws Exception {
        exchange(Clients.login(at, a, PASSWORD, "check" + System.nanoTime()),
            Clients.login(at, b, PASSWORD, "check" + System.nanoTime()));
    }

    /** The same check against an in-process node, with the accounts' own passwords. */
    static void aRealClientStillWorksIn(TestNode node, String a, String pa, String b, String pb) throws Exception {
        exchange(Clients.login(node, a, pa, "check" + System.nanoTime()), Clients.login(node, b, pb, "check" + System.nanoTime()));
    }

    /**
     * A message each way between two logged-in clients, then both log out: {@link SessionAttacks#exchange}, whose
     * bodies are unique to the exchange (a copy of an earlier exchange's message neither passes for this one's nor
     * fails it).
     */
    private static void exchange(XMPPTCPConnection ca, XMPPTCPConnection cb) throws Exception {
        try {
            SessionAttacks.exchange(ca, cb);
        } finally {
            ca.disconnect();
            cb.disconnect();
        }
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (Exception ignored) {
                // the node may be gone
            }
        }
        process.close();
    }
}
