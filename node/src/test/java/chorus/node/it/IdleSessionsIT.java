package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle bound sessions without XEP-0198 (issue 14), with a 2 s idle timeout and 2 s to answer: silent clients are
 * pinged and then disconnected with connection-timeout; clients that send whitespace keepalives or answer the ping
 * stay, as do XEP-0198 sessions and a real client (Smack answers every IQ).
 */
class IdleSessionsIT {
    static final Duration QUIET = Duration.ofSeconds(9);
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.c2s.idle-timeout", "2s", "chorus.c2s.idle-answer-timeout", "2s"));
        for (String u : List.of("alice", "bob", "idler")) {
            node.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static RawClient bound(String resource) throws Exception {
        return RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, "idler", "pw-idler", resource);
    }

    /** A ping of ours to the server, answered: the stream is alive. */
    static void alive(RawClient c) throws Exception {
        c.send("<iq type='get' id='alive' to='" + TestNode.DOMAIN + "'><ping xmlns='urn:xmpp:ping'/></iq>");
        c.await("id=\"alive\"", Duration.ofSeconds(10));
    }

    @Test
    void silentClientsArePingedThenDisconnectedWhileClientsThatSpeakStay() throws Exception {
        long baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
        XMPPTCPConnection alice = Clients.login(node, "alice", "pw-alice", "smack");
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "smack");
        List<Callable<String>> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            clients.add(() -> {
                try (RawClient c = bound("silent" + n)) {
                    String before = c.await("urn:xmpp:ping", Duration.ofSeconds(10));
                    String end = c.await("</stream:error>", Duration.ofSeconds(10));
                    assertTrue(c.closedWithin(Duration.ofSeconds(5)), "silent" + n + " is disconnected");
                    return end.contains("connection-timeout") ? "timed out" : "ended otherwise: " + before + end;
                }
            });
        }
        for (int i = 0; i < 2; i++) {
            int n = i;
            clients.add(() -> {
                try (RawClient c = bound("whitespace" + n)) {
                    long end = System.nanoTime() + QUIET.toNanos();
                    while (System.nanoTime() < end) {
                        c.send(" ");
                        Thread.sleep(700);
                    }
                    alive(c);
                    assertFalse(c.all().contains("urn:xmpp:ping"), "keepalives alone keep it from being pinged");
                    return "stayed";
                }
            });
        }
        clients.add(() -> {
            try (RawClient c = bound("answers")) {
                long end = System.nanoTime() + QUIET.toNanos();
                int answered = 0;
                while (System.nanoTime() < end) {
                    String ping = c.await("urn:xmpp:ping", QUIET);
                    Matcher id = Pattern.compile("id=\"([^\"]+)\"").matcher(ping.substring(ping.lastIndexOf("<iq")));
                    assertTrue(id.find(), ping);
                    c.send("<iq type='result' id='" + id.group(1) + "' to='" + TestNode.DOMAIN + "'/>");
                    answered++;
                }
                alive(c);
                return answered >= 2 ? "stayed" : "answered only " + answered;
            }
        });
        clients.add(() -> {
            try (RawClient c = bound("managed")) {
                c.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
                c.await("<enabled", Duration.ofSeconds(10));
                Thread.sleep(QUIET.toMillis());
                alive(c);
                assertFalse(c.all().contains("urn:xmpp:ping"), "XEP-0198 looks after it");
                // Ended properly: a dropped XEP-0198 stream would stay resumable (and counted) for resume-timeout.
                c.send("</stream:stream>");
                c.await("</stream:stream>", Duration.ofSeconds(10));
                return "stayed";
            }
        });
        List<String> outcomes = SessionAttacks.atOnce(clients);
        System.out.println("idle clients: " + outcomes);
        assertEquals(List.of("timed out", "timed out", "timed out", "stayed", "stayed", "stayed", "stayed"), outcomes);
        assertTrue(alice.isConnected() && bob.isConnected(), "the real clients stayed through the quiet");
        SessionAttacks.exchange(alice, bob);
        alice.disconnect();
        bob.disconnect();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (node.node().sessions().sessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, node.node().sessions().sessions(), "no session left behind");
        SessionAttacks.assertHeapNear(baseline, 32, "after the idle clients");
        SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
    }
}
