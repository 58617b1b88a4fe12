package chorus.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0484 FAST on a real node with xmpp.js (@xmpp/client 0.14.0, see {@link XmppJs}): a SASL2 login gets a token,
 * the token logs in without the password (the driver is given a wrong one, so only the token can have done it);
 * a token dropped for the cap of tokens per account, an expired one (the client is told a later expiry, so that it
 * tries; the server knows better) and one of a removed account fail. The limits are attacked over raw TLS sockets
 * from several connections at once: wrong tokens and oversized SASL2 requests end each stream after
 * chorus.c2s.max-auth-failures, counted as failed logins are.
 */
class FastIT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration LIFETIME = Duration.ofSeconds(40);
    static final ObjectMapper JSON = new ObjectMapper();
    static TestNode node;
    static Path trust;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.fast.max-tokens", 2, "chorus.fast.token-lifetime", LIFETIME.toSeconds() + "s",
            "chorus.c2s.rate.stanzas-per-second", 0, "chorus.c2s.rate.bytes-per-second", 0));
        for (String u : new String[] {"juliet", "romeo", "tybalt", "paris"}) {
            node.createUser(u, "pw-" + u);
        }
        trust = XmppJs.trustFile(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Map<String, Object> options(String user, String password, JsonNode token) throws Exception {
        Map<String, Object> o = new java.util.HashMap<>(Sasl2IT.options("xmpp://127.0.0.1:" + node.c2sPort(), user,
            false, false));
        o.put("password", password);
        if (token != null) {
            o.put("token", JSON.convertValue(token, Map.class));
        }
        return o;
    }

    /** A SASL2 login with the password: xmpp.js asks for a token (it has none) and gets it in the success. */
    static JsonNode tokenFor(String user) throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(user, "pw-" + user, null))) {
            JsonNode token = js.await("token", WAIT).path("token");
            js.await("online", WAIT);
            assertEquals("HT-SHA-256-NONE", token.path("mechanism").asText());
            assertTrue(token.path("token").asText().length() > 64, "longer than HMAC's block: " + token);
            return token;
        }
    }

    /** Logs in with the token and a wrong password: online only if the token did it. */
    static void tokenLogsIn(String user, JsonNode token) throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(user, "not the password", token))) {
            JsonNode success = js.await("success", WAIT);
            assertTrue(success.path("xml").asText().contains("<additional-data>"), "the server proved itself: " + success);
            js.await("online", WAIT);
        }
    }

    /** Logs in with the token and a wrong password: the token is refused (then the password too). */
    static void tokenRefused(String user, JsonNode token) throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(user, "not the password", token))) {
            JsonNode failure = js.await("failure", WAIT);
            assertTrue(failure.path("xml").asText().contains("not-authorized"), failure.toString());
            js.await("token-deleted", WAIT);
        }
    }

    @Test
    void aTokenFromASasl2LoginLogsInWithoutThePassword() throws Exception {
        JsonNode token = tokenFor("juliet");
        tokenLogsIn("juliet", token);
        tokenLogsIn("juliet", token);
    }

    @Test
    void theOldestTokenIsDroppedWhenAnAccountHasAsManyAsItMayKeep() throws Exception {
        JsonNode first = tokenFor("romeo");
        tokenFor("romeo"); // another client (xmpp.js makes a new user-agent id each run)
        tokenLogsIn("romeo", first);
        tokenFor("romeo"); // a third: the cap is 2
        tokenRefused("romeo", first);
    }

    @Test
    void anExpiredTokenIsRefusedByTheServerWhateverTheClientThinks() throws Exception {
        JsonNode token = tokenFor("tybalt");
        Instant expiry = Instant.parse(token.path("expiry").asText());
        while (!Instant.now().isAfter(expiry.plusSeconds(1))) {
            Thread.sleep(200); // waiting for the clock to pass the expiry the node announced
        }
        // The client would not try a token it knows expired: it is told a later expiry.
        com.fasterxml.jackson.databind.node.ObjectNode stale = token.deepCopy();
        stale.put("expiry", Instant.now().plus(Duration.ofDays(1)).toString());
        tokenRefused("tybalt", stale);
    }

    @Test
    void aTokenGoesWithItsAccount() throws Exception {
        JsonNode token = tokenFor("paris");
        node.node().accounts().remove(node.jid("paris")).toCompletableFuture().join();
        node.createUser("paris", "pw-paris");
        tokenRefused("paris", token);
    }

    @Test
    void wrongTokensAndOversizedRequestsFromManyConnectionsAtOnceEndEachStreamAfterTheFailureLimit() throws Exception {
        SSLContext tls = Clients.trusting(node);
        int connections = 8;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<String>> ends = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                String from = "127.0.9." + (10 + i);
                boolean oversized = i % 2 == 0;
                ends.add(pool.submit(() -> attack(tls, from, oversized)));
            }
            for (Future<String> end : ends) {
                String all = end.get();
                assertTrue(all.contains("policy-violation"), "the stream ended after the limit: " + all);
            }
        } finally {
            pool.shutdownNow();
        }
        // The node still serves everyone else.
        tokenLogsIn("juliet", tokenFor("juliet"));
    }

    /** max-auth-failures (3) SASL2 attempts that fail, then the stream must be gone; returns what the node said. */
    static String attack(SSLContext tls, String from, boolean oversized) throws Exception {
        RawClient c = RawClient.connectFrom(from, node.c2sPort()).startTls(TestNode.DOMAIN, tls);
        try {
            c.send(RawClient.header(TestNode.DOMAIN));
            c.await("</stream:features>", Duration.ofSeconds(10));
            for (int attempt = 0; attempt < 3; attempt++) {
                c.send(oversized ? oversizedRequest() : wrongToken());
                c.await("</failure>", Duration.ofSeconds(20));
            }
            assertTrue(c.closedWithin(Duration.ofSeconds(20)), "closed after the third failure: " + c.all());
            return c.all();
        } finally {
            c.close();
        }
    }

    static String wrongToken() {
        byte[] proof = new byte[32];
        new SecureRandom().nextBytes(proof);
        byte[] user = "mallory\0".getBytes(StandardCharsets.UTF_8);
        byte[] ir = new byte[user.length + proof.length];
        System.arraycopy(user, 0, ir, 0, user.length);
        System.arraycopy(proof, 0, ir, user.length, proof.length);
        return "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='HT-SHA-256-NONE'><initial-response>"
            + Base64.getEncoder().encodeToString(ir) + "</initial-response><user-agent id='mallory'/>"
            + "<fast xmlns='urn:xmpp:fast:0'/></authenticate>";
    }

    static String oversizedRequest() {
        return "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-1'><initial-response>"
            + Base64.getEncoder().encodeToString("n,,n=mallory,r=abcdefgh".getBytes(StandardCharsets.UTF_8))
            + "</initial-response><user-agent id='" + "x".repeat(300) + "'><software>" + "y".repeat(300)
            + "</software></user-agent></authenticate>";
    }
}
