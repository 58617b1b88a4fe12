package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stanza floods (issue 14), at 20 stanzas a second with a burst of 40: three clients that each write 200 pings at
 * once are answered at the rate (nothing lost, nothing refused), one that keeps writing as fast as it can ends with
 * policy-violation once it has been behind its rate for ten bursts' time (20 s), and a real client's pings and
 * messages meanwhile go through at once.
 */
class StanzaRateIT {
    static final int PINGS = 200;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.c2s.rate.stanzas-per-second", 20, "chorus.c2s.rate.stanza-burst", 40));
        for (String u : List.of("alice", "bob", "flooder")) {
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

    static String ping(int i) {
        return "<iq type='get' id='p" + i + "' to='" + TestNode.DOMAIN + "'><ping xmlns='urn:xmpp:ping'/></iq>";
    }

    @Test
    void floodersAreReadFromAtTheRateAndOneThatNeverStopsIsDisconnected() throws Exception {
        long baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
        XMPPTCPConnection alice = Clients.login(node, "alice", "pw-alice", "smack");
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "smack");
        List<Callable<String>> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            clients.add(() -> {
                try (RawClient c = RawClient.connect(node.c2sPort())
                    .bind(TestNode.DOMAIN, tls, "flooder", "pw-flooder", "burst" + n)) {
                    StringBuilder all = new StringBuilder();
                    for (int k = 0; k < PINGS; k++) {
                        all.append(ping(k));
                    }
                    long t0 = System.nanoTime();
                    c.send(all.toString());
                    c.await("id=\"p" + (PINGS - 1) + "\"", Duration.ofSeconds(60));
                    long seconds = (System.nanoTime() - t0) / 1_000_000;
                    return "answered in " + seconds + " ms";
                }
            });
        }
        clients.add(() -> {
            try (RawClient c = RawClient.connect(node.c2sPort())
                .bind(TestNode.DOMAIN, tls, "flooder", "pw-flooder", "endless")) {
                StringBuilder chunk = new StringBuilder();
                for (int k = 0; k < 50; k++) {
                    chunk.append(ping(k));
                }
                long t0 = System.nanoTime();
                long end = t0 + Duration.ofSeconds(60).toNanos();
                // A write the node never reads would block for good: the watchdog ends it, and the test fails.
                java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean();
                Thread watchdog = new Thread(() -> {
                    try {
                        Thread.sleep(Duration.ofSeconds(80).toMillis());
                        blocked.set(true);
                        c.close();
                    } catch (Exception stopped) {
                        // the flood ended in time
                    }
                });
                watchdog.start();
                boolean closed = false;
                int chunks = 0;
                try {
                    while (System.nanoTime() < end && !closed) {
                        c.send(chunk.toString());
                        chunks++;
                        closed = c.closedWithin(Duration.ofMillis(1)); // reads what came meanwhile
                    }
                    closed |= c.closedWithin(Duration.ofSeconds(5));
                } catch (java.io.IOException reset) {
                    // The node closed while this kept writing: unread data on a closed socket resets the
                    // connection, and the reset may take the stream error with it.
                    closed = true;
                }
                watchdog.interrupt();
                System.out.printf("endless flooder: %d pings sent in %d ms, closed %s%n", chunks * 50,
                    (System.nanoTime() - t0) / 1_000_000, closed);
                if (blocked.get()) {
                    return "blocked: the node stopped reading and never ended the stream";
                }
                return c.all().contains("<policy-violation") ? "policy-violation" : closed ? "disconnected" : "not ended";
            }
        });
        clients.add(() -> {
            List<Long> rtts = new ArrayList<>();
            Thread.sleep(1000);
            for (int k = 0; k < 20; k++) {
                long t0 = System.nanoTime();
                assertTrue(PingManager.getInstanceFor(alice).pingMyServer(true, 10_000));
                rtts.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(200);
            }
            SessionAttacks.exchange(alice, bob);
            return "bystander pings: median " + SessionAttacks.median(rtts) + " ms, max "
                + SessionAttacks.percentile(rtts, 100) + " ms";
        });
        List<String> outcomes = SessionAttacks.atOnce(clients);
        System.out.println("stanza floods: " + outcomes);
        for (int i = 0; i < 3; i++) {
            long ms = Long.parseLong(outcomes.get(i).replaceAll("[^0-9]", ""));
            // 40 at once, then 20 a second: the last of 200 no sooner than 8 s.
            assertTrue(ms >= 7500, outcomes.get(i));
        }
        assertTrue(outcomes.get(3).equals("policy-violation") || outcomes.get(3).equals("disconnected"), outcomes.get(3));
        String bystander = outcomes.get(4);
        long worst = Long.parseLong(bystander.substring(bystander.indexOf("max ") + 4, bystander.lastIndexOf(" ms")));
        assertTrue(worst < 2000, bystander);
        alice.disconnect();
        bob.disconnect();
        SessionAttacks.assertHeapNear(baseline, 32, "after the floods");
        SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
    }
}
