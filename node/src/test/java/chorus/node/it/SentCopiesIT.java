package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: a session sends its account a copy of what its client sends only while the account wants one (a resource
 * with carbons enabled, archive preferences that keep something), and no wanted copy is missed: the messages one
 * device sends right after another device's request made copies wanted (its answer read) are all copied or archived.
 * One node, so that the devices' sessions run where the account's entity runs (the case where sessions are told to
 * send no copies). Each round first lets a copy arrive while nothing wants it, so that the sender's session is told
 * to stop sending them; the round then tests the way back.
 */
class SentCopiesIT {
    static final int ROUNDS = 5;
    static final int BURST = 10;
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of());
        for (String u : new String[] {"juliet", "romeo", "nurse"}) {
            node.createUser(u, "pw-" + u);
        }
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void send(XMPPTCPConnection from, String to, String id) throws Exception {
        from.sendStanza(StanzaBuilder.buildMessage(id).to(JidCreate.entityBareFrom(to + "@chorus.test"))
            .ofType(Message.Type.chat).setBody("message " + id).build());
    }

    /** Lets the copy of a message nothing wants reach the entity, which then tells the sender's session to stop. */
    static void copyNobodyWants(XMPPTCPConnection from, List<String> romeoGot, String id) throws Exception {
        send(from, "romeo", id);
        MessagingIT.awaitTrue(() -> romeoGot.contains(id), "romeo gets " + id);
        // The copy goes its own way (through sharding) and may arrive after the message: a moment for it. A slow
        // machine only makes the round test less (the session was not told to stop yet), never fail wrongly.
        Thread.sleep(300);
    }

    static List<String> ids(XMPPTCPConnection c) {
        List<String> got = new CopyOnWriteArrayList<>();
        c.addSyncStanzaListener(s -> got.add(s.getStanzaId()), StanzaTypeFilter.MESSAGE);
        return got;
    }

    @Test
    void messagesSentRightAfterAnotherDeviceEnabledCarbonsAreAllCopied() throws Exception {
        XMPPTCPConnection balcony = Clients.login(node, "juliet", "pw-juliet", "balcony");
        XMPPTCPConnection garden = Clients.login(node, "juliet", "pw-juliet", "garden");
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "orchard");
        try {
            List<String> romeoGot = ids(romeo);
            List<String> copied = new CopyOnWriteArrayList<>();
            garden.addSyncStanzaListener(s -> {
                CarbonExtension c = CarbonExtension.from((Message) s);
                if (c != null && c.getDirection() == CarbonExtension.Direction.sent) {
                    copied.add(c.getForwarded().getForwardedStanza().getStanzaId());
                }
            }, StanzaTypeFilter.MESSAGE);
            CarbonManager carbons = CarbonManager.getInstanceFor(garden);
            for (int round = 0; round < ROUNDS; round++) {
                copyNobodyWants(balcony, romeoGot, "quiet-" + round);
                carbons.enableCarbons(); // returns once the garden read the result
                for (int i = 0; i < BURST; i++) {
                    send(balcony, "romeo", "r" + round + "-" + i);
                }
                String last = "r" + round + "-" + (BURST - 1);
                MessagingIT.awaitTrue(() -> copied.contains(last), "the garden gets a copy of " + last);
                for (int i = 0; i < BURST; i++) {
                    assertTrue(copied.contains("r" + round + "-" + i), "copied: r" + round + "-" + i + " in " + copied);
                }
                assertTrue(copied.stream().noneMatch(id -> id.startsWith("quiet-")), "no copy before carbons: " + copied);
                carbons.disableCarbons();
            }
        } finally {
            balcony.disconnect();
            garden.disconnect();
            romeo.disconnect();
        }
    }

    @Test
    void messagesSentRightAfterArchivingWasSwitchedOnAreAllArchived() throws Exception {
        XMPPTCPConnection balcony = Clients.login(node, "nurse", "pw-nurse", "balcony");
        RawClient garden = RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, "nurse", "pw-nurse", "garden");
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "hall");
        try (CqlSession cql = StorageIT.session(node)) {
            List<String> romeoGot = ids(romeo);
            copyNobodyWants(balcony, romeoGot, "quiet");
            garden.send("<iq type='set' id='prefs1'><prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/>"
                + "</prefs></iq>");
            String answer = garden.await("</iq>", Duration.ofSeconds(10));
            assertTrue(answer.contains("type=\"result\""), answer);
            for (int i = 0; i < BURST; i++) {
                send(balcony, "romeo", "a" + i);
            }
            MessagingIT.awaitTrue(() -> romeoGot.contains("a" + (BURST - 1)), "romeo gets them all");
            MessagingIT.awaitTrue(() -> archived(cql) == BURST, "every message sent after the answer is archived");
            assertEquals(BURST, archived(cql), "and the one before it is not");
        } finally {
            balcony.disconnect();
            garden.close();
            romeo.disconnect();
        }
    }

    static long archived(CqlSession cql) {
        return cql.execute("SELECT count(*) FROM " + node.keyspace() + ".message_archive WHERE owner = ?",
            "nurse@chorus.test").one().getLong(0);
    }
}
