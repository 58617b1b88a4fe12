package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XML shaped to cost the parser or the writer more memory than it took to send (issue 14): several
 * connections at once against a node with a 256 MiB heap. Each attack ends the attacker's stream with a
 * stream error; afterwards the node's heap is back near its baseline and real clients exchange messages.
 */
class XmlBombIT {
    static final int ATTACKERS = 5;
    static final Duration WAIT = Duration.ofSeconds(30);
    static AttackTarget node;
    static SSLContext tls;
    static long baseline;

    @BeforeAll
    static void start() throws Exception {
        node = AttackTarget.start("256m", Map.of(), "alice", "bob", "mallory");
        tls = node.tls();
        node.assertRealClientsWork("alice", "bob");
        baseline = node.heapAfterGc();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** One start tag: a 100 KB namespace declaration and 12,000 attributes with its prefix (about 220 KB). */
    static String prefixedAttributeBomb() {
        StringBuilder sb = new StringBuilder("<message xmlns:p='urn:");
        sb.append("u".repeat(100_000)).append('\'');
        for (int i = 0; i < 12_000; i++) {
            sb.append(" p:a").append(i).append("=''");
        }
        return sb.append("/>").toString();
    }

    /** The namespace declared once, used by 15,000 small children (about 210 KB). */
    static String prefixedChildrenBomb() {
        StringBuilder sb = new StringBuilder("<message to='bob@chorus.test' xmlns:p='urn:");
        sb.append("u".repeat(1_000)).append("'>"); // the longest namespace name the parser takes is 1024
        for (int i = 0; i < 15_000; i++) {
            sb.append("<p:x p:a=''/>");
        }
        return sb.append("</message>").toString();
    }

    static String manyNamespaceDeclarations() {
        StringBuilder sb = new StringBuilder("<message");
        for (int i = 0; i < 10_000; i++) {
            sb.append(" xmlns:n").append(i).append("='urn:x").append(i).append('\'');
        }
        return sb.append("/>").toString();
    }

    /** Runs the attack from {@link #ATTACKERS} connections at once; each must end with a stream error. */
    static void attackFromSeveralConnections(Callable<String> attack) throws Exception {
        attackFromSeveralConnections(attack, "<stream:error>");
    }

    static void attackFromSeveralConnections(Callable<String> attack, String expected) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < ATTACKERS; i++) {
                results.add(pool.submit(attack));
            }
            for (Future<String> f : results) {
                String got;
                try {
                    got = f.get(2, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    node.assertAlive();
                    throw e;
                }
                assertTrue(got.contains(expected), "no " + expected + ": " + tail(got));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends the header and the payload before STARTTLS, and reads until the stream error. */
    static String unauthenticated(String payload) throws IOException {
        try (RawClient raw = RawClient.connect(node.c2sPort)) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            try {
                raw.send(payload);
            } catch (IOException closedEarly) {
                // the node may end the stream before the whole payload is written
            }
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(raw.closedWithin(WAIT), "the node did not close the connection");
            return got;
        }
    }

    static String tail(String s) {
        return s.length() < 300 ? s : s.substring(s.length() - 300);
    }

    void afterTheAttack(String what) throws Exception {
        node.assertAlive();
        node.assertHeapNear(baseline, 48, what);
        node.assertRealClientsWork("alice", "bob");
    }

    @Test
    void prefixedAttributesWithALongNamespaceBeforeTlsArePolicyViolationsAndCostNoMemory() throws Exception {
        String bomb = prefixedAttributeBomb();
        attackFromSeveralConnections(() -> {
            String got = unauthenticated(bomb);
            assertTrue(got.contains("policy-violation"), tail(got));
            return got;
        });
        afterTheAttack("prefixed attributes");
    }

    @Test
    void childrenSharingALongPrefixedNamespaceBeforeTlsCostNoMoreThanTheirBytes() throws Exception {
        String bomb = prefixedChildrenBomb();
        attackFromSeveralConnections(() -> unauthenticated(bomb));
        afterTheAttack("prefixed children");
    }

    @Test
    void aNamespaceNameOverItsLimitIsAPolicyViolation() throws Exception {
        String bomb = "<message xmlns:p='urn:" + "u".repeat(30_000) + "'><p:x/></message>";
        attackFromSeveralConnections(() -> {
            String got = unauthenticated(bomb);
            assertTrue(got.contains("policy-violation"), tail(got));
            return got;
        });
        afterTheAttack("a long namespace name");
    }

    @Test
    void tenThousandNamespaceDeclarationsAreAPolicyViolation() throws Exception {
        String bomb = manyNamespaceDeclarations();
        attackFromSeveralConnections(() -> {
            String got = unauthenticated(bomb);
            assertTrue(got.contains("policy-violation"), tail(got));
            return got;
        });
        afterTheAttack("namespace declarations");
    }

    @Test
    void aWhitespaceFloodBetweenStanzasIsNotKept() throws Exception {
        byte[] spaces = " \n\t\r".repeat(16 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        attackFromSeveralConnections(() -> {
            try (RawClient raw = RawClient.connect(node.c2sPort)) {
                raw.send(RawClient.header(TestNode.DOMAIN));
                raw.await("</stream:features>", WAIT);
                for (int i = 0; i < 320; i++) { // 20 MiB each
                    raw.send(spaces);
                }
                // The stream still works: its next element is answered.
                raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
                return raw.await("<proceed", WAIT);
            }
        }, "<proceed");
        afterTheAttack("whitespace flood");
    }

    /**
     * Routed to an online user, the stanza the recipient reads is no larger than what the sender wrote (plus
     * the stamped from address): the writer declares a namespace once, not once per element that uses it.
     */
    @Test
    void aRoutedStanzaIsNoLargerOnTheWayOutThanOnTheWayIn() throws Exception {
        String bomb = prefixedChildrenBomb();
        try (RawClient bob = RawClient.connect(node.c2sPort).bind(TestNode.DOMAIN, tls, "bob", AttackTarget.PASSWORD, "raw");
             RawClient mallory = RawClient.connect(node.c2sPort).bind(TestNode.DOMAIN, tls, "mallory", AttackTarget.PASSWORD, "raw")) {
            bob.send("<presence/>");
            bob.await("<presence", WAIT);
            mallory.send(bomb.replace("to='bob@chorus.test'", "to='bob@chorus.test/raw'"));
            String got = bob.await("</message>", WAIT);
            int in = bomb.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            int out = got.substring(got.indexOf("<message")).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            System.out.println("routed stanza: " + in + " bytes in, " + out + " bytes out");
            assertTrue(out <= in + 256, in + " bytes in, " + out + " bytes out");
        }
        afterTheAttack("routed stanza");
    }
}
