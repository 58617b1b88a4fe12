package chorus.node.it;

import org.jivesoftware.smack.filter.MessageWithBodiesFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0198 Stream Management against a real node: acknowledgements, resumption, expiry, bad input. */
class StreamManagementIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        for (String u : new String[] {"romeo", "juliet", "tybalt", "mallory", "eve"}) {
            node.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static XMPPTCPConnection smClient(String user, String resource, int preferredResumeSeconds) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, user, "pw-" + user).setResource(resource).build());
        c.setUseStreamManagement(true);
        c.setUseStreamManagementResumption(true);
        if (preferredResumeSeconds > 0) {
            c.setPreferredResumptionTime(preferredResumeSeconds);
        }
        c.setReplyTimeout(10_000);
        return c;
    }

    /** Bodies in the order they arrived (a synchronous listener keeps the order). */
    static List<String> bodies(XMPPTCPConnection c) {
        List<String> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add(((Message) s).getBody()), MessageWithBodiesFilter.INSTANCE);
        return got;
    }

    static void send(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).setBody(body).build());
    }

    static void awaitTrue(java.util.function.BooleanSupplier ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aDroppedStreamIsResumedWithNothingLostAndNothingTwice() throws Exception {
        XMPPTCPConnection romeo = smClient("romeo", "phone", 0);
        XMPPTCPConnection juliet = smClient("juliet", "laptop", 0);
        List<String> got = bodies(romeo);
        romeo.connect().login();
        juliet.connect().login();
        try {
            assertTrue(romeo.isSmEnabled() && romeo.isSmResumptionPossible(), "stream management with resumption");
            send(juliet, "romeo@chorus.test/phone", "before");
            awaitTrue(() -> got.contains("before"), "romeo gets the first message");

            romeo.instantShutdown();
            Thread.sleep(500);
            // While romeo is away: to the full JID, and to the bare JID (the resource is still available).
            send(juliet, "romeo@chorus.test/phone", "away-1");
            send(juliet, "romeo@chorus.test", "away-2");
            // Romeo also "sends" while disconnected: Smack keeps it and sends it after the resumption.
            send(romeo, "juliet@chorus.test/laptop", "from-away-romeo");
            Thread.sleep(500);

            List<String> julietGot = bodies(juliet);
            romeo.connect().login();
            assertTrue(romeo.streamWasResumed(), "the stream was resumed");
            awaitTrue(() -> got.contains("away-1") && got.contains("away-2"), "romeo gets what came while away: " + got);
            awaitTrue(() -> julietGot.contains("from-away-romeo"), "juliet gets what romeo sent while away");
            send(juliet, "romeo@chorus.test/phone", "after");
            awaitTrue(() -> got.contains("after"), "the resumed stream carries new messages");
            Thread.sleep(1000);
            assertEquals(List.of("before", "away-1", "away-2", "after"), got, "each once, in order");
            assertEquals(1, Collections.frequency(julietGot, "from-away-romeo"));
        } finally {
            romeo.disconnect();
            juliet.disconnect();
        }
    }

    @Test
    void whatANeverResumedStreamMissedWaitsOffline() throws Exception {
        XMPPTCPConnection tybalt = smClient("tybalt", "phone", 2);
        XMPPTCPConnection juliet = smClient("juliet", "desk", 0);
        tybalt.connect().login();
        juliet.connect().login();
        try {
            tybalt.instantShutdown();
            Thread.sleep(500);
            send(juliet, "tybalt@chorus.test", "while-gone");
            Thread.sleep(4000); // beyond the 2 s tybalt asked for
            XMPPTCPConnection again = smClient("tybalt", "phone", 0);
            List<String> got = bodies(again);
            again.connect().login();
            try {
                assertFalse(again.streamWasResumed());
                awaitTrue(() -> got.contains("while-gone"), "the message waited offline");
                Thread.sleep(1000);
                assertEquals(List.of("while-gone"), got);
            } finally {
                again.disconnect();
            }
        } finally {
            juliet.disconnect();
        }
    }

    static RawClient raw(String user, String resource) throws Exception {
        return RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, user, "pw-" + user, resource);
    }

    static String enable(RawClient raw) throws Exception {
        raw.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        String enabled = raw.await("<enabled", WAIT) + raw.await(">", WAIT);
        Matcher m = Pattern.compile("id=['\"]([0-9a-f]+)['\"]").matcher(enabled);
        assertTrue(m.find(), enabled);
        return m.group(1);
    }

    @Test
    void badInputGetsClearAnswers() throws Exception {
        // Before authentication: nothing of stream management.
        try (RawClient pre = RawClient.connect(node.c2sPort()).startTls(TestNode.DOMAIN, tls)) {
            pre.send(RawClient.header(TestNode.DOMAIN));
            pre.await("</stream:features>", WAIT);
            pre.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
            assertTrue(pre.await("</failed>", WAIT).contains("unexpected-request"));
        }
        String mallorysId;
        try (RawClient mallory = raw("mallory", "m1")) {
            mallorysId = enable(mallory);
            mallory.send("<enable xmlns='urn:xmpp:sm:3'/>");
            assertTrue(mallory.await("</failed>", WAIT).contains("unexpected-request"), "enable twice");
            mallory.send("<r xmlns='urn:xmpp:sm:3'/>");
            assertTrue(mallory.await("/>", WAIT).contains("h="), "an answer to <r/>");

            // Another account cannot resume mallory's stream; nor can anyone resume an unknown one.
            try (RawClient eve = RawClient.connect(node.c2sPort()).login(TestNode.DOMAIN, tls, "eve", "pw-eve")) {
                eve.send("<resume xmlns='urn:xmpp:sm:3' previd='" + mallorysId + "' h='0'/>");
                assertTrue(eve.await("</failed>", WAIT).contains("item-not-found"), "another user's id");
                eve.send("<resume xmlns='urn:xmpp:sm:3' previd='0123456789abcdef' h='0'/>");
                assertTrue(eve.await("</failed>", WAIT).contains("item-not-found"), "an unknown id");
                // After a failed resumption the client binds afresh.
                eve.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
                assertTrue(eve.await("</iq>", WAIT).contains("<jid>eve@chorus.test/"));
            }

            // Acknowledging more than was sent ends the stream.
            mallory.send("<a xmlns='urn:xmpp:sm:3' h='7'/>");
            String error = mallory.await("</stream:error>", WAIT);
            assertTrue(error.contains("undefined-condition") && error.contains("handled-count-too-high"), error);
        }
    }

    @Test
    void aResumptionWithTooHighACountIsAStreamError() throws Exception {
        String id;
        RawClient first = raw("eve", "e1");
        id = enable(first);
        first.close();
        Thread.sleep(500);
        try (RawClient second = RawClient.connect(node.c2sPort()).login(TestNode.DOMAIN, tls, "eve", "pw-eve")) {
            second.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='99'/>");
            String error = second.await("</stream:error>", WAIT);
            assertTrue(error.contains("handled-count-too-high"), error);
        }
    }
}
