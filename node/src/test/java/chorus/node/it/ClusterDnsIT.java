package chorus.node.it;

import chorus.node.cli.Chorusctl;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.jxmpp.jid.impl.JidCreate;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster formation through Pekko Management Cluster Bootstrap with DNS discovery, against a real DNS
 * server: dnsmasq on 127.0.0.21 serves the {@code _management._tcp.chorus.test} SRV records and the A
 * records of two nodes on 127.0.0.22-23. Each node runs as an admin runs it, with
 * {@code cluster-config/dns-cluster.conf} and the environment variables of cluster-config/README.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDnsIT {
    static final int NODES = 2;
    static final String DNS_IP = "127.0.0.21";
    static final int DNS_PORT = freeDnsPort();

    /** The first port from 15353 that is free on the DNS address for UDP and TCP (below 32768). */
    static int freeDnsPort() {
        for (int port = 15353; port < 15400; port++) {
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new InetSocketAddress(DNS_IP, port));
                 java.net.ServerSocket tcp = new java.net.ServerSocket()) {
                tcp.bind(new InetSocketAddress(DNS_IP, port));
                return port;
            } catch (java.io.IOException taken) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port for the test's DNS server on " + DNS_IP);
    }
    static final String SERVICE = "chorus.test";
    static final int MANAGEMENT = 18558;
    static final int C2S = 16222;
    static final Duration FORMATION = Duration.ofSeconds(60);
    static String keyspace;
    static TestClusterKeys keys;
    static Process dnsmasq;
    static Path dnsLog;
    static final DnsNode[] nodes = new DnsNode[NODES];

    /** One node process, found by the others through DNS. */
    static final class DnsNode {
        final String ip;
        final String name;
        final Path dataDir;
        final int adminPort;
        final int index;
        NodeProcess process;

        DnsNode(int index) throws Exception {
            this.index = index;
            this.ip = "127.0.0." + (22 + index);
            this.name = "node" + (index + 1) + "." + SERVICE;
            this.dataDir = Files.createTempDirectory("chorus-dns-" + index);
            this.adminPort = TestNode.freePort();
        }

        TestNode.Endpoint endpoint() {
            return new TestNode.Endpoint(ip, C2S, dataDir);
        }

        /** Starts the process; the cluster forms later, so the admin account is not created here. */
        NodeProcess start() throws Exception {
            List<String> cmd = new ArrayList<>(NodeProcess.command(Map.of(
                "config.file", Path.of("..", "cluster-config", "dns-cluster.conf").toAbsolutePath().normalize().toString(),
                "chorus.domain", "chorus.test", "chorus.bind", ip, "chorus.data-dir", dataDir.toString(),
                "chorus.c2s.port", "" + C2S, "chorus.c2s.tls-port", "16223", "chorus.admin.port", "" + adminPort,
                "chorus.cassandra.keyspace", keyspace, "chorus.cassandra.replication.factor", "1")));
            cmd.remove("--create-admin");
            return NodeProcess.launch(cmd, Map.of(
                "CHORUS_CLUSTER_TLS_DIR", keys.node(index).toString(),
                "CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort(),
                "CHORUS_CLUSTER_HOST", ip,
                "CHORUS_CLUSTER_DISCOVERY", "dns",
                "CHORUS_DNS_SERVICE", SERVICE,
                "CHORUS_DNS_NAMESERVERS", DNS_IP + ":" + DNS_PORT,
                "CHORUS_DNS_REQUIRED", "" + NODES,
                "CHORUS_MANAGEMENT_PORT", "" + MANAGEMENT));
        }

        String ctl(String... args) {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(dataDir, adminPort, args);
            assertEquals(0, r.code(), r.err());
            return r.out();
        }

        /** Members this node sees up and reachable; 0 while its admin API cannot say. */
        int upMembers() {
            try {
                return (int) ctl("cluster").lines().filter(l -> l.contains(" Up ") && l.contains(" yes ")).count();
            } catch (AssertionError | RuntimeException e) {
                return 0;
            }
        }

        /** The HTTP status of a Pekko Management path (its health checks), or -1 when it does not answer. */
        int management(String path) {
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + ip + ":" + MANAGEMENT + path))
                    .timeout(Duration.ofSeconds(5)).build();
                return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    @BeforeAll
    static void startDnsAndNodes() throws Exception {
        TestCassandra.requireRunning();
        startDnsmasq();
        keyspace = TestCassandra.newKeyspace();
        keys = TestClusterKeys.create();
        // One process creates the schema before the nodes start together.
        assertEquals(0, Chorusctl.run(new String[] {"schema", "apply", "--contact-points=127.0.0.1:" + TestCassandra.cqlPort(),
            "--keyspace=" + keyspace}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            DnsNode n = new DnsNode(i);
            nodes[i] = n;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return n.start();
                } catch (Exception e) {
                    throw new IllegalStateException(n.name + " did not start", e);
                }
            }));
        }
        for (int i = 0; i < NODES; i++) {
            nodes[i].process = starting.get(i).get(200, TimeUnit.SECONDS);
        }
    }

    /** dnsmasq as the test's own child process: no system config, no upstream, no hosts file, no pid file. */
    static void startDnsmasq() throws Exception {
        String binary = dnsmasqBinary();
        List<String> cmd = new ArrayList<>(List.of(binary, "--keep-in-foreground", "--conf-file=/dev/null",
            "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=", "--log-facility=-", "--log-queries",
            "--bind-interfaces", "--listen-address=" + DNS_IP, "--port=" + DNS_PORT));
        for (int i = 0; i < NODES; i++) {
            String name = "node" + (i + 1) + "." + SERVICE;
            cmd.add("--host-record=" + name + ",127.0.0." + (22 + i));
            // What Cluster Bootstrap looks up: _<port-name>._tcp.<service-name>.
            cmd.add("--srv-host=_management._tcp." + SERVICE + "," + name + "," + MANAGEMENT);
            cmd.add("--srv-host=_xmpp-client._tcp." + SERVICE + "," + name + "," + C2S);
        }
        dnsLog = Files.createTempFile("chorus-dnsmasq", ".log");
        dnsmasq = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dnsLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(DNS_IP, DNS_PORT), 500);
                return;
            } catch (IOException notYet) {
                if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dnsmasq did not start: " + Files.readString(dnsLog));
                }
                Thread.sleep(100);
            }
        }
    }

    static String dnsmasqBinary() {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            File f = new File(dir, "dnsmasq");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new IllegalStateException("no dnsmasq; this test needs it: apt-get install dnsmasq-base "
            + "(scripts/test.sh installs it when it is missing)");
    }

    @AfterAll
    static void stopAll() throws Exception {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (DnsNode n : nodes) {
            if (n != null && n.process != null) {
                stopping.add(CompletableFuture.runAsync(() -> {
                    try {
                        n.process.close();
                    } catch (Exception e) {
                        n.process.process.destroyForcibly();
                    }
                }));
            }
        }
        CompletableFuture.allOf(stopping.toArray(new CompletableFuture[0])).get(90, TimeUnit.SECONDS);
        if (dnsmasq != null) {
            dnsmasq.destroy();
            if (!dnsmasq.waitFor(10, TimeUnit.SECONDS)) {
                dnsmasq.destroyForcibly();
            }
        }
    }

    static void await(MessagingIT.Check check, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        assertTrue(check.ok(), what + " within " + within.toSeconds() + " s; dnsmasq log:\n" + Files.readString(dnsLog));
    }

    @Test
    @Order(1)
    void nodesFoundThroughDnsSrvRecordsFormOneCluster() throws Exception {
        long started = System.nanoTime();
        for (DnsNode n : nodes) {
            await(() -> n.upMembers() == NODES, FORMATION, n.name + " sees " + NODES + " members up");
        }
        System.out.printf("DNS bootstrap: %d nodes in one cluster %d ms after they were running%n", NODES,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        String log = Files.readString(dnsLog);
        assertTrue(log.contains("query[SRV] _management._tcp." + SERVICE), "no SRV lookup reached dnsmasq:\n" + log);
        // What Kubernetes' probes ask (cluster-config/kubernetes): alive, and ready once a member is Up.
        for (DnsNode n : nodes) {
            assertEquals(200, n.management("/alive"), n.name + " /alive");
            await(() -> n.management("/ready") == 200, Duration.ofSeconds(10), n.name + " /ready");
        }
    }

    @Test
    @Order(2)
    void aUserOnOneNodeMessagesAUserOnAnother() throws Exception {
        nodes[0].ctl("user", "add", "ann", "pw-ann");
        nodes[0].ctl("user", "add", "ben", "pw-ben");
        XMPPTCPConnection ann = Clients.login(nodes[0].endpoint(), "ann", "pw-ann", "a");
        XMPPTCPConnection ben = Clients.login(nodes[1].endpoint(), "ben", "pw-ben", "b");
        try {
            StanzaCollector inbox = ben.createStanzaCollector(new StanzaTypeFilter(Message.class));
            ann.sendStanza(StanzaBuilder.buildMessage("d1").to(JidCreate.entityBareFrom("ben@chorus.test"))
                .ofType(Message.Type.chat).setBody("found you through DNS").build());
            Message got = inbox.nextResult(10_000);
            assertTrue(got != null, "ben on " + nodes[1].name + " got nothing from ann on " + nodes[0].name);
            assertEquals("found you through DNS", got.getBody());
            assertEquals("ann@chorus.test/a", got.getFrom().toString());
        } finally {
            ann.disconnect();
            ben.disconnect();
        }
    }
}
