package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A flood of PLAIN logins (issue 14): each costs PBKDF2, which runs on the node's password-hashing pool (here one
 * thread, four waiting) and never on the actors' threads. The node answers what the pool cannot take with
 * temporary-auth-failure at once, and meanwhile a logged-in client's pings come back quickly and a real client logs
 * in (SCRAM costs the server no PBKDF2).
 */
class PlainHashingIT {
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        // 200,000 iterations: each PLAIN check takes the pool's one thread about a quarter of a second.
        node = TestNode.start(Map.of("chorus.scram-iterations", 200_000, "chorus.password-hashing.threads", 1,
            "chorus.password-hashing.queue", 4, "chorus.c2s.login-throttle.source.slow-after", 0,
            "chorus.c2s.login-throttle.source.refuse-after", 0, "chorus.c2s.max-auth-failures", 100));
        node.createUser("alice", "pw-alice");
        node.createUser("bob", "pw-bob");
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aFloodOfPlainLoginsIsBoundedByThePoolAndTheNodeKeepsAnswering() throws Exception {
        long baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
        XMPPTCPConnection watcher = Clients.login(node, "alice", "pw-alice", "watcher");
        List<Long> pings = new CopyOnWriteArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread pinger = new Thread(() -> {
            try {
                while (flooding.get()) {
                    long t0 = System.nanoTime();
                    if (PingManager.getInstanceFor(watcher).pingMyServer(true, 10_000)) {
                        pings.add((System.nanoTime() - t0) / 1_000_000);
                    } else {
                        pings.add(10_000L);
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                pings.add(-1L);
            }
        });
        pinger.start();
        List<Callable<List<String>>> floods = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int n = i;
            floods.add(() -> {
                List<String> outcomes = new ArrayList<>();
                try (RawClient c = SessionAttacks.saslReady(node, "127.0.0." + (10 + n), tls)) {
                    for (int k = 0; k < 8; k++) {
                        outcomes.add(SessionAttacks.plain(c, "flood-" + n + "-" + k, "guess"));
                    }
                }
                return outcomes;
            });
        }
        floods.add(() -> {
            Thread.sleep(1000);
            SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
            return List.of("talked");
        });
        List<String> all = new ArrayList<>();
        SessionAttacks.atOnce(floods).forEach(all::addAll);
        flooding.set(false);
        pinger.join();
        watcher.disconnect();
        long busy = all.stream().filter("temporary-auth-failure"::equals).count();
        long judged = all.stream().filter("not-authorized"::equals).count();
        System.out.printf("96 PLAIN logins at once: %d judged (not-authorized), %d refused as busy; %d pings meanwhile, "
            + "median %d ms, max %d ms%n", judged, busy, pings.size(), SessionAttacks.median(pings),
            SessionAttacks.percentile(pings, 100));
        assertTrue(all.contains("talked"));
        assertTrue(busy > 0, "the pool's queue is bounded: some logins were told to come back later");
        assertTrue(judged > 0);
        assertTrue(judged + busy == 96, all.toString());
        assertTrue(!pings.contains(-1L) && SessionAttacks.percentile(pings, 100) < 2000,
            "the actors kept answering: " + pings);
        SessionAttacks.assertHeapNear(baseline, 32, "after the PLAIN flood");
        SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
    }
}
