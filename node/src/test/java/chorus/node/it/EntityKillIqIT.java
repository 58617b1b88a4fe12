package chorus.node.it;

import chorus.node.cli.Chorusctl;
import org.jivesoftware.smack.SmackFuture;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IQs across a node's death (RFC 6120 §8.2.3: an IQ request is answered, with a result or an error, never left
 * without one). Two node processes, A (127.0.2.21) and B (127.0.2.22), share a keyspace; every client is on A, the
 * accounts' entities are spread over both. B is killed (kill -9) and, before the cluster has noticed, a client on A
 * pings {@value #TARGETS} users on A by their full JIDs: the pings to users whose entity was on B (and the answers to
 * the asker, should its own entity have been there) were on their way to a dead node. Each ping must get an answer or
 * an error once the entities start again on A, none is left without one: the server hands an IQ between accounts on
 * again until the recipient's entity took it, as it does messages.
 */
class EntityKillIqIT {
    static final String A_IP = "127.0.2.21";
    static final String B_IP = "127.0.2.22";
    static final int TARGETS = 8;
    /** Longer than the cluster takes to down B and start its entities on A (about 20 s), shorter than forever. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(90);
    static String keyspace;
    static TestClusterKeys keys;
    static Node a;
    static Node b;

    /** One node process. */
    static final class Node {
        final int index;
        final String ip;
        final Path dataDir;
        final int adminPort = TestNode.freePort();
        final int c2sPort = TestNode.freePort();
        final int clusterPort = TestNode.freePort();
        NodeProcess process;

        Node(int index, String ip) throws Exception {
            this.index = index;
            this.ip = ip;
            this.dataDir = Files.createTempDirectory("chorus-entity-kill-" + index);
        }

        void start(String seeds) throws Exception {
            List<String> cmd = NodeProcess.command(Map.ofEntries(
                Map.entry("chorus.domain", TestNode.DOMAIN), Map.entry("chorus.bind", ip),
                Map.entry("chorus.data-dir", dataDir.toString()), Map.entry("chorus.c2s.port", "" + c2sPort),
                Map.entry("chorus.c2s.tls-port", "0"), Map.entry("chorus.admin.port", "" + adminPort),
                Map.entry("chorus.cluster.host", ip), Map.entry("chorus.cluster.port", "" + clusterPort),
                Map.entry("chorus.cassandra.keyspace", keyspace)));
            process = NodeProcess.launch(cmd, Map.of(
                "CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort(),
                "CHORUS_SEED_NODES", seeds, "CHORUS_CLUSTER_TLS_DIR", keys.node(index).toString()));
        }

        String ctl(String... args) {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(dataDir, adminPort, args);
            assertEquals(0, r.code(), r.err());
            return r.out();
        }

        int upMembers() {
            return (int) ctl("cluster").lines().filter(l -> l.contains(" Up ") && l.contains(" yes ")).count();
        }

        TestNode.Endpoint endpoint() {
            return new TestNode.Endpoint(ip, c2sPort, dataDir);
        }

        String seed() {
            return ip + ":" + clusterPort;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        TestCassandra.requireRunning();
        keyspace = TestCassandra.newKeyspace();
        keys = TestClusterKeys.create();
        assertEquals(0, Chorusctl.run(new String[] {"schema", "apply", "--contact-points=127.0.0.1:" + TestCassandra.cqlPort(),
            "--keyspace=" + keyspace}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        a = new Node(1, A_IP);
        b = new Node(2, B_IP);
        String seeds = a.seed() + "," + b.seed();
        a.start(seeds);
        b.start(seeds);
        MessagingIT.awaitTrue(() -> a.upMembers() == 2 && b.upMembers() == 2, "two members up");
        a.ctl("user", "add", "asker", "pw-asker");
        for (int i = 0; i < TARGETS; i++) {
            a.ctl("user", "add", "t" + i, "pw-t" + i);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Node n : new Node[] {a, b}) {
            if (n != null && n.process != null) {
                n.process.close();
            }
        }
    }

    @Test
    void pingsToUsersWhoseEntitysNodeWasJustKilledAreAnsweredNotLeftWithoutAnswer() throws Exception {
        List<XMPPTCPConnection> clients = new ArrayList<>();
        try {
            XMPPTCPConnection asker = Clients.login(a.endpoint(), "asker", "pw-asker", "asks");
            clients.add(asker);
            for (int i = 0; i < TARGETS; i++) {
                XMPPTCPConnection t = Clients.login(a.endpoint(), "t" + i, "pw-t" + i, "r");
                PingManager.getInstanceFor(t); // answers pings (XEP-0199)
                clients.add(t);
            }
            // Every account's entity is awake (the logins woke them), on A or on B.
            b.process.process.destroyForcibly().waitFor();
            long killed = System.nanoTime();
            Map<Integer, SmackFuture<IQ, Exception>> asked = new TreeMap<>();
            for (int i = 0; i < TARGETS; i++) {
                Ping ping = new Ping(JidCreate.entityFullFrom("t" + i + "@" + TestNode.DOMAIN + "/r"));
                asked.put(i, asker.sendIqRequestAsync(ping, ANSWER_WITHIN.toMillis()));
            }
            Map<String, Integer> outcomes = new TreeMap<>();
            List<String> each = new ArrayList<>();
            for (Map.Entry<Integer, SmackFuture<IQ, Exception>> e : asked.entrySet()) {
                String outcome;
                try {
                    e.getValue().get(); // Smack ends it with NoResponseException after ANSWER_WITHIN
                    outcome = "answered";
                } catch (ExecutionException x) {
                    outcome = x.getCause() instanceof XMPPException.XMPPErrorException err
                        ? "error " + err.getStanzaError().getCondition()
                        : x.getCause() instanceof org.jivesoftware.smack.SmackException.NoResponseException
                        ? "no answer" : "failed " + x.getCause();
                }
                outcomes.merge(outcome, 1, Integer::sum);
                each.add("t" + e.getKey() + ": " + outcome + " after " + (System.nanoTime() - killed) / 1_000_000 + " ms");
            }
            System.out.println("pings after the kill: " + outcomes + " " + each);
            assertTrue(!outcomes.containsKey("no answer") && outcomes.keySet().stream().noneMatch(o -> o.startsWith("failed")),
                "pings left without an answer: " + each);
            // Not asserted: that each is answered by its target. The copy sent again starts the dead node's entities
            // on A before their sessions there bound to them again, and an IQ to a resource not bound is
            // service-unavailable (RFC 6121 §8.5.3.2.3): an error the asker may retry on, not silence.
        } finally {
            for (XMPPTCPConnection c : clients) {
                c.disconnect();
            }
        }
    }
}
