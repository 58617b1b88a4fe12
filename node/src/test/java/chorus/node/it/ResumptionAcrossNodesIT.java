package chorus.node.it;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in one cluster (in this JVM, one keyspace): a XEP-0198 resumption on the other node whose unacknowledged
 * queue (eight messages of 200 KB) is larger than an Artery frame (1 MiB) hands the queue over in parts and the
 * client gets every message again; and the login throttle counts across the nodes.
 */
class ResumptionAcrossNodesIT {
    static final int MESSAGES = 8;
    static final int BODY = 200_000;
    static TestNode a;
    static TestNode b;
    /** Each node has its own self-signed certificate. */
    static SSLContext tls;
    static SSLContext tlsB;

    @BeforeAll
    static void start() throws Exception {
        String keyspace = TestCassandra.newKeyspace();
        int seed = TestNode.freePort();
        Map<String, Object> common = new HashMap<>(Map.of("chorus.cluster.seed-nodes", "127.0.0.1:" + seed,
            "chorus.cassandra.keyspace", keyspace, "chorus.sasl.decoy-secret", "00112233445566778899aabbccddeeff",
            "chorus.c2s.login-throttle.account.refuse-after", 3, "chorus.c2s.login-throttle.account.slow-after", 3));
        TestClusterKeys keys = TestClusterKeys.create();
        Map<String, Object> first = new HashMap<>(common);
        first.put("chorus.cluster.port", seed);
        first.put("chorus.cluster.tls.dir", keys.node(1).toString());
        a = TestNode.start(first);
        Map<String, Object> second = new HashMap<>(common);
        second.put("chorus.cluster.tls.dir", keys.node(2).toString());
        b = TestNode.start(second);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (up(a) < 2 || up(b) < 2) {
            assertTrue(System.nanoTime() < deadline, "two members up");
            Thread.sleep(200);
        }
        for (String u : new String[] {"romeo", "juliet", "alice", "bob", "target"}) {
            a.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(a);
        tlsB = Clients.trusting(b);
    }

    static long up(TestNode n) {
        return StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aResumptionOnTheOtherNodeGetsAQueueLargerThanAClusterFrameBack() throws Exception {
        long baseline = SessionAttacks.warmBaseline(a, tls, "alice", "pw-alice", "bob", "pw-bob");
        RawClient juliet = RawClient.connect(a.c2sPort()).bind(TestNode.DOMAIN, tls, "juliet", "pw-juliet", "phone");
        juliet.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        juliet.await("<enabled", Duration.ofSeconds(10));
        juliet.await("/>", Duration.ofSeconds(10));
        Matcher id = Pattern.compile("<enabled[^>]* id=\"([^\"]+)\"").matcher(juliet.all());
        assertTrue(id.find(), juliet.all());
        XMPPTCPConnection romeo = Clients.login(b, "romeo", "pw-romeo", "balcony");
        String body = "x".repeat(BODY);
        for (int i = 0; i < MESSAGES; i++) {
            romeo.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from("juliet@" + TestNode.DOMAIN + "/phone"))
                .ofType(Message.Type.chat).setBody("m" + i + " " + body).build());
        }
        for (int i = 0; i < MESSAGES; i++) {
            juliet.await("m" + i + " ", Duration.ofSeconds(30));
        }
        // Dropped without </stream> and without an acknowledgement: all eight are unacknowledged.
        juliet.close();
        Thread.sleep(1000);
        RawClient again = RawClient.connect(b.c2sPort()).login(TestNode.DOMAIN, tlsB, "juliet", "pw-juliet");
        long t0 = System.nanoTime();
        again.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id.group(1) + "' h='0'/>");
        String resumed = again.awaitAny(Duration.ofSeconds(30), "<resumed", "<failed");
        assertTrue(resumed.contains("<resumed"), "resumed on the other node: " + resumed + again.all());
        for (int i = 0; i < MESSAGES; i++) {
            again.await("m" + i + " ", Duration.ofSeconds(30));
        }
        System.out.printf("resumed on the other node with %d unacknowledged messages (%.1f MB) in %d ms%n", MESSAGES,
            MESSAGES * BODY / 1e6, (System.nanoTime() - t0) / 1_000_000);
        again.send("</stream:stream>");
        again.close();
        romeo.disconnect();
        SessionAttacks.realClientsTalk(b, "alice", "pw-alice", "bob", "pw-bob");
        SessionAttacks.assertHeapNear(baseline, 48, "two nodes, after the resumption");
    }

    @Test
    void failedLoginsOnOneNodeCountOnTheOther() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawClient c = SessionAttacks.saslReady(a, "127.0.0." + (70 + i), tls)) {
                assertEquals("not-authorized", SessionAttacks.plain(c, "target", "guess" + i));
            }
        }
        try (RawClient c = SessionAttacks.saslReady(b, "127.0.0.80", tlsB)) {
            assertEquals("temporary-auth-failure", SessionAttacks.plain(c, "target", "pw-target"),
                "the name's count lives in one place for the whole cluster");
        }
        SessionAttacks.realClientsTalk(a, "alice", "pw-alice", "bob", "pw-bob");
    }
}
