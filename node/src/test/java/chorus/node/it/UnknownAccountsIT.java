package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logins with made-up names (issue 14): each one makes the node look the name up, and a name that is no account
 * must not leave an entity behind. 10,000 SCRAM logins with 10,000 made-up names from 20 connections at a time; the
 * node's user entities (its sharding statistics, as /metrics shows them) and heap come back to their baseline.
 */
class UnknownAccountsIT {
    static final int LOGINS = 10_000;
    static final int CONNECTIONS = 20;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        // One loopback source makes all the attempts: the per-source throttle would (rightly) refuse it.
        node = TestNode.start(Map.of("chorus.c2s.login-throttle.source.slow-after", 0,
            "chorus.c2s.login-throttle.source.refuse-after", 0, "chorus.c2s.auth-failure-delay", "0s",
            "chorus.c2s.login-lookup-time", "0s", "chorus.c2s.max-auth-failures", 100,
            // 99 attempts on one connection take longer than the 30 s a stream has to authenticate.
            "chorus.c2s.negotiation-timeout", "10m"));
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
    void tenThousandLoginsWithMadeUpNamesLeaveNoEntityAndNoHeapBehind() throws Exception {
        long baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
        Thread.sleep(11_000); // the gauge refreshes every 10 s
        int entitiesBefore = SessionAttacks.userEntities(node);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger notAuthorized = new AtomicInteger();
        AtomicInteger mostEntities = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        Thread watch = new Thread(() -> {
            while (!done.get()) {
                try {
                    mostEntities.accumulateAndGet(SessionAttacks.userEntities(node), Math::max);
                    Thread.sleep(2000);
                } catch (Exception e) {
                    return;
                }
            }
        });
        watch.start();
        long t0 = System.nanoTime();
        List<Callable<Integer>> attackers = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            attackers.add(() -> {
                int mine = 0;
                while (next.get() < LOGINS) {
                    try (RawClient c = SessionAttacks.saslReady(node, "127.0.0.1", tls)) {
                        // 99 attempts per connection: the 100th failure would end it.
                        for (int k = 0; k < 99; k++) {
                            int n = next.getAndIncrement();
                            if (n >= LOGINS) {
                                break;
                            }
                            String outcome = SessionAttacks.scramWithWrongProof(c, "made-up-" + n).outcome();
                            if (outcome.equals("not-authorized")) {
                                notAuthorized.incrementAndGet();
                            }
                            mine++;
                        }
                    }
                }
                return mine;
            });
        }
        int attempts = SessionAttacks.atOnce(attackers).stream().mapToInt(Integer::intValue).sum();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000;
        done.set(true);
        watch.join();
        assertEquals(LOGINS, attempts);
        assertEquals(LOGINS, notAuthorized.get(), "every made-up name gets not-authorized");
        int after = awaitEntities(n -> n <= entitiesBefore);
        System.out.printf("%d logins with made-up names in %d s; user entities: %d before, at most %d seen during, %d after%n",
            LOGINS, seconds, entitiesBefore, mostEntities.get(), after);
        assertTrue(after <= entitiesBefore);
        SessionAttacks.assertHeapNear(baseline, 32, "after 10,000 made-up names");
        SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
    }

    /** The user entity count once it satisfies {@code ok} (the gauge refreshes every 10 s): at most 60 s. */
    static int awaitEntities(java.util.function.IntPredicate ok) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int n = SessionAttacks.userEntities(node);
        while (!ok.test(n) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            n = SessionAttacks.userEntities(node);
        }
        return n;
    }
}
