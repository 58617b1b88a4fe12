package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static chorus.node.it.SessionAttacks.plain;
import static chorus.node.it.SessionAttacks.saslReady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password guessing against a real node (issue 14): failed logins per account name and per source are slowed down
 * and then refused for a while, the right password included, the same way for a name that is no account; other
 * sources and accounts are not affected. Attackers connect from loopback addresses of their own (each a source).
 */
class LoginThrottleIT {
    static TestNode node;
    static SSLContext tls;
    static long baseline;
    final List<RawClient> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of(
            "chorus.c2s.login-throttle.account.slow-after", 2, "chorus.c2s.login-throttle.account.refuse-after", 5,
            "chorus.c2s.login-throttle.source.slow-after", 6, "chorus.c2s.login-throttle.source.refuse-after", 14,
            "chorus.c2s.login-throttle.lockout", "6s", "chorus.c2s.login-throttle.max-delay", "800ms",
            "chorus.c2s.max-auth-failures", 20));
        for (String u : List.of("alice", "bob", "victim")) {
            node.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(node);
        baseline = SessionAttacks.warmBaseline(node, tls, "alice", "pw-alice", "bob", "pw-bob");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void realClientsStillWork() throws Exception {
        for (RawClient c : opened) {
            c.close();
        }
        opened.clear();
        SessionAttacks.realClientsTalk(node, "alice", "pw-alice", "bob", "pw-bob");
        SessionAttacks.assertHeapNear(baseline, 32, getClass().getSimpleName());
    }

    RawClient attacker(String from) throws Exception {
        RawClient c = saslReady(node, from, tls);
        opened.add(c);
        return c;
    }

    /** Four sources guess {@code name}'s password at once, three rounds each; returns the outcomes by round. */
    List<List<String>> guessFromFourSources(String name, int firstSource) throws Exception {
        List<Callable<List<String>>> attacks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String from = "127.0.0." + (firstSource + i);
            attacks.add(() -> {
                RawClient c = attacker(from);
                List<String> outcomes = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    outcomes.add(plain(c, name, "guess-" + round));
                }
                return outcomes;
            });
        }
        List<List<String>> bySource = SessionAttacks.atOnce(attacks);
        List<List<String>> byRound = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<String> r = new ArrayList<>();
            for (List<String> s : bySource) {
                r.add(s.get(round));
            }
            byRound.add(r);
        }
        return byRound;
    }

    @Test
    void guessingOneAccountFromManySourcesEndsInARefusalTheRightPasswordDoesNotPassAndAnUnknownNameLooksTheSame()
        throws Exception {
        List<List<String>> victim = guessFromFourSources("victim", 11);
        List<List<String>> ghost = guessFromFourSources("ghost", 21);
        System.out.println("outcomes by round, an account: " + victim + "; a name that is none: " + ghost);
        for (List<List<String>> rounds : List.of(victim, ghost)) {
            assertEquals(List.of("not-authorized", "not-authorized", "not-authorized", "not-authorized"), rounds.get(0));
            assertEquals(List.of("temporary-auth-failure", "temporary-auth-failure", "temporary-auth-failure",
                "temporary-auth-failure"), rounds.get(2), "refused once five failures were counted");
        }
        // The right password, from a source that never failed, is refused as well while the lockout lasts.
        assertEquals("temporary-auth-failure", plain(attacker("127.0.0.31"), "victim", "pw-victim"));
        assertEquals("temporary-auth-failure", plain(attacker("127.0.0.32"), "ghost", "pw-victim"));
        // Another account is not affected.
        assertEquals("success", plain(attacker("127.0.0.33"), "alice", "pw-alice"));
        Thread.sleep(6500);
        assertEquals("success", plain(attacker("127.0.0.34"), "victim", "pw-victim"), "the lockout is over");
        assertEquals("not-authorized", plain(attacker("127.0.0.35"), "ghost", "pw-victim"));
    }

    @Test
    void oneSourceTryingManyNamesIsRefusedWhileOtherSourcesLogIn() throws Exception {
        List<Callable<List<String>>> attacks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            attacks.add(() -> {
                RawClient c = attacker("127.0.0.50");
                List<String> outcomes = new ArrayList<>();
                for (int k = 0; k < 6; k++) {
                    outcomes.add(plain(c, "name" + n + "x" + k, "guess"));
                }
                return outcomes;
            });
        }
        List<String> all = new ArrayList<>();
        SessionAttacks.atOnce(attacks).forEach(all::addAll);
        System.out.println("one source, 18 names: " + all);
        assertTrue(all.stream().filter("not-authorized"::equals).count() >= 14, all.toString());
        assertTrue(all.contains("temporary-auth-failure"), all.toString());
        assertEquals("temporary-auth-failure", plain(attacker("127.0.0.50"), "alice", "pw-alice"),
            "the source is refused, whatever name it tries");
        assertEquals("success", plain(attacker("127.0.0.51"), "alice", "pw-alice"));
    }

    @Test
    void failuresAreAnsweredLaterAndLaterAsTheyAddUp() throws Exception {
        RawClient c = attacker("127.0.0.60");
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertEquals("not-authorized", plain(c, "slowpoke", "guess" + i));
            millis.add((System.nanoTime() - t0) / 1_000_000);
        }
        System.out.println("failure answers of one name, ms: " + millis);
        // 100 ms, 100 ms, then doubling from the second-failure threshold, at most 800 ms.
        long[] atLeast = {100, 100, 200, 400, 800};
        for (int i = 0; i < atLeast.length; i++) {
            assertTrue(millis.get(i) >= atLeast[i] - 5, "failure " + (i + 1) + " after " + millis.get(i) + " ms");
        }
    }
}
