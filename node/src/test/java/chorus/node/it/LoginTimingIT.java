package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static chorus.node.it.SessionAttacks.median;
import static chorus.node.it.SessionAttacks.percentile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether a login attempt tells if an account exists (issue 14): wrong passwords for an account whose entity is in
 * memory, for accounts whose entities are not, and made-up names, interleaved, over real sockets; the answers' time
 * distributions are printed and their medians compared. Every answer is the same not-authorized.
 */
class LoginTimingIT {
    static final int SAMPLES = 30;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        // No throttle here (it would slow the series apart); entities of accounts leave memory after 2 s.
        node = TestNode.start(Map.of(
            "chorus.c2s.login-throttle.account.slow-after", 0, "chorus.c2s.login-throttle.account.refuse-after", 0,
            "chorus.c2s.login-throttle.source.slow-after", 0, "chorus.c2s.login-throttle.source.refuse-after", 0,
            "chorus.c2s.max-auth-failures", 100, "chorus.user.idle-timeout", "2s",
            // One connection per series makes 60 attempts: longer than the 30 s a stream has to authenticate.
            "chorus.c2s.negotiation-timeout", "10m"));
        node.createUser("known", "pw-known");
        for (int i = 0; i < SAMPLES; i++) {
            node.createUser("scram" + i, "pw");
            node.createUser("plain" + i, "pw");
        }
        tls = Clients.trusting(node);
        Thread.sleep(4000); // the new accounts' entities leave memory
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aWrongPasswordAndAMadeUpNameTakeTheSameTimeAndGetTheSameAnswer() throws Exception {
        Map<String, RawClient> conns = new LinkedHashMap<>();
        for (String series : List.of("in memory", "not in memory", "no account")) {
            conns.put(series, SessionAttacks.saslReady(node, "127.0.0.1", tls));
        }
        Map<String, List<Long>> challenge = new LinkedHashMap<>();
        Map<String, List<Long>> scramFailure = new LinkedHashMap<>();
        Map<String, List<Long>> plainFailure = new LinkedHashMap<>();
        conns.keySet().forEach(k -> {
            challenge.put(k, new ArrayList<>());
            scramFailure.put(k, new ArrayList<>());
            plainFailure.put(k, new ArrayList<>());
        });
        // Warm the known account's entity, and the code paths, first.
        SessionAttacks.scramWithWrongProof(conns.get("in memory"), "known");
        SessionAttacks.plain(conns.get("in memory"), "known", "wrong");
        for (int i = 0; i < SAMPLES; i++) {
            for (String series : conns.keySet()) {
                String scramName = series.equals("in memory") ? "known" : series.equals("not in memory") ? "scram" + i
                    : "made-up-scram-" + i;
                String plainName = series.equals("in memory") ? "known" : series.equals("not in memory") ? "plain" + i
                    : "made-up-plain-" + i;
                SessionAttacks.ScramTimes t = SessionAttacks.scramWithWrongProof(conns.get(series), scramName);
                assertEquals("not-authorized", t.outcome(), series);
                challenge.get(series).add(t.challengeMillis());
                scramFailure.get(series).add(t.failureMillis());
                long t0 = System.nanoTime();
                assertEquals("not-authorized", SessionAttacks.plain(conns.get(series), plainName, "wrong"), series);
                plainFailure.get(series).add((System.nanoTime() - t0) / 1_000_000);
            }
        }
        for (RawClient c : conns.values()) {
            c.close();
        }
        print("SCRAM server-first", challenge);
        print("SCRAM failure after the proof", scramFailure);
        print("PLAIN failure", plainFailure);
        for (Map<String, List<Long>> m : List.of(challenge, scramFailure, plainFailure)) {
            long unknown = median(m.get("no account"));
            for (String series : List.of("in memory", "not in memory")) {
                long d = Math.abs(median(m.get(series)) - unknown);
                assertTrue(d <= 25, "medians " + median(m.get(series)) + " ms (" + series + ") and " + unknown
                    + " ms (no account) differ by " + d + " ms");
            }
        }
    }

    static void print(String what, Map<String, List<Long>> bySeries) {
        StringBuilder b = new StringBuilder(what + " (ms):");
        bySeries.forEach((series, v) -> b.append(String.format("  %s p50 %d p90 %d max %d;", series, median(v),
            percentile(v, 90), percentile(v, 100))));
        System.out.println(b);
    }
}
