package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions per account (issue 14), here at most 3: eight connections of one account bind at once; three get their
 * resource, five get resource-constraint (RFC 6120 §7.6.2.1) and may stay connected, unbound; once the three end, a
 * real client of the account binds and talks.
 */
class SessionsPerAccountIT {
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.c2s.max-sessions-per-account", 3));
        for (String u : List.of("multi", "alice", "bob")) {
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

    @Test
    void eightConnectionsOfOneAccountBindingAtOnceGiveThreeResourcesAndFiveResourceConstraints() throws Exception {
        long baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
        List<RawClient> opened = Collections.synchronizedList(new ArrayList<>());
        List<Callable<String>> binds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            binds.add(() -> {
                RawClient c = RawClient.connect(node.c2sPort()).login(TestNode.DOMAIN, tls, "multi", "pw-multi");
                opened.add(c);
                c.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r" + n
                    + "</resource></bind></iq>");
                String answer = c.await("</iq>", Duration.ofSeconds(15));
                return answer.contains("<resource-constraint") ? "resource-constraint"
                    : answer.contains("<jid>") ? "bound" : answer;
            });
        }
        List<String> outcomes = SessionAttacks.atOnce(binds);
        System.out.println("eight binds of one account: " + outcomes);
        assertEquals(3, outcomes.stream().filter("bound"::equals).count(), outcomes.toString());
        assertEquals(5, outcomes.stream().filter("resource-constraint"::equals).count(), outcomes.toString());
        for (RawClient c : opened) {
            c.close();
        }
        XMPPTCPConnection multi = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (multi == null) {
            try {
                multi = Clients.login(node, "multi", "pw-multi", "again");
            } catch (Exception stillFull) {
                // the closed sessions' ends reach the account's entity within a moment
                assertTrue(System.nanoTime() < deadline, "the account has room again: " + stillFull);
                Thread.sleep(500);
            }
        }
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "smack");
        try {
            SessionAttacks.exchange(multi, bob);
        } finally {
            multi.disconnect();
            bob.disconnect();
        }
        SessionAttacks.assertHeapNear(baseline, 32, "after the binds");
    }
}
