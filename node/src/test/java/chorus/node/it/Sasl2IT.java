package chorus.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASL2 (XEP-0388) with Bind 2 (XEP-0386) on a real node over real sockets, with a real client library: xmpp.js
 * (@xmpp/client 0.14.0, run by Node.js; Smack 4.4/4.5 has no working Bind 2). It logs in with SCRAM-SHA-1 over
 * SASL2, binds with Bind 2 enabling carbons and XEP-0198 inline (and CSI in one test), over TCP (STARTTLS) and over
 * WebSocket; a dropped connection is resumed inline in SASL2. Smack clients are the other parties.
 */
class Sasl2IT {
    static final Duration WAIT = Duration.ofSeconds(30);
    static TestNode node;
    static Path trust;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.c2s.rate.stanzas-per-second", 0, "chorus.c2s.rate.bytes-per-second", 0));
        for (String u : new String[] {"juliet", "romeo", "nurse"}) {
            node.createUser(u, "pw-" + u);
        }
        trust = XmppJs.trustFile(node);
        XMPPTCPConnection juliet = Clients.login(node, "juliet", "pw-juliet", "setup");
        XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "setup");
        try {
            CsiIT.befriend(juliet, romeo);
        } finally {
            juliet.disconnect();
            romeo.disconnect();
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Map<String, Object> options(String service, String user, boolean carbons, boolean inactive) {
        Map<String, Object> o = new HashMap<>();
        o.put("service", service);
        o.put("domain", TestNode.DOMAIN);
        o.put("username", user);
        o.put("password", "pw-" + user);
        o.put("tag", "Sasl2IT");
        o.put("carbons", carbons);
        o.put("inactive", inactive);
        o.put("hosts", Map.of(TestNode.DOMAIN, "127.0.0.1"));
        return o;
    }

    static String tcp() {
        return "xmpp://127.0.0.1:" + node.c2sPort();
    }

    static String webSocket() {
        // The certificate names the domain; the driver resolves it to 127.0.0.1 ("hosts").
        return "wss://" + TestNode.DOMAIN + ":" + WebClients.httpPort(node) + "/xmpp-websocket";
    }

    static Message chat(String to, String id, String body) throws Exception {
        return MessageBuilder.buildMessage(id).to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build();
    }

    /** Logged in over SASL2 and bound with Bind 2: the success carried the binding and stream management. */
    static String loggedIn(XmppJs js, String user) throws Exception {
        // After STARTTLS (over TCP): SASL2 is offered.
        js.await("features", e -> e.path("xml").asText().contains("<authentication xmlns=\"urn:xmpp:sasl:2\">"), WAIT);
        JsonNode success = js.await("success", WAIT);
        String xml = success.path("xml").asText();
        assertTrue(xml.contains("<bound xmlns=\"urn:xmpp:bind:0\">"), "bound inline: " + xml);
        assertTrue(xml.contains("<enabled xmlns=\"urn:xmpp:sm:3\""), "XEP-0198 enabled inline: " + xml);
        String jid = js.await("online", WAIT).path("jid").asText();
        assertTrue(jid.startsWith(user + "@" + TestNode.DOMAIN + "/Sasl2IT."), "Bind 2 picked the resource: " + jid);
        return jid;
    }

    /** Carbons were enabled inline: what another resource of the account sends reaches this one as <sent/>. */
    static void carbonsReach(XmppJs js, String marker) throws Exception {
        XMPPTCPConnection desk = Clients.login(node, "juliet", "pw-juliet", "desk");
        try {
            desk.sendStanza(chat(node.jid("romeo").toString(), marker, "carbon " + marker));
            js.await("stanza", e -> e.path("xml").asText().contains("urn:xmpp:carbons:2")
                && e.path("xml").asText().contains(marker), WAIT);
        } finally {
            desk.disconnect();
        }
    }

    @Test
    void xmppJsLogsInWithSasl2AndBind2EnablesCarbonsAndStreamManagementOverTcp() throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(tcp(), "juliet", true, false))) {
            loggedIn(js, "juliet");
            carbonsReach(js, "tcp-carbon");
        }
    }

    @Test
    void xmppJsLogsInWithSasl2AndBind2OverWebSocket() throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(webSocket(), "juliet", true, false))) {
            loggedIn(js, "juliet");
            carbonsReach(js, "ws-carbon");
        }
    }

    @Test
    void aDroppedConnectionIsResumedInlineInSasl2AndWhatArrivedMeanwhileIsDelivered() throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(tcp(), "nurse", false, false))) {
            String jid = loggedIn(js, "nurse");
            js.command(Map.of("op", "drop"));
            js.await("dropped", WAIT);
            XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "resume-test");
            try {
                romeo.sendStanza(chat(jid, "while-away", "sent while the nurse was away"));
                JsonNode success = js.await("success", WAIT);
                assertTrue(success.path("xml").asText().contains("<resumed xmlns=\"urn:xmpp:sm:3\""),
                    "resumed inline: " + success);
                // XEP-0198 §5: what the client had not acknowledged (or what waited) comes right after <success/>.
                js.await("stanza", e -> e.path("xml").asText().contains("while-away"), WAIT);
                js.await("resumed", WAIT);
            } finally {
                romeo.disconnect();
            }
        }
    }

    @Test
    void aClientInactiveFromBind2GetsAContactsPresenceOnlyWithTheNextUrgentMessage() throws Exception {
        try (XmppJs js = XmppJs.start(trust, options(tcp(), "juliet", false, true))) {
            loggedIn(js, "juliet");
            XMPPTCPConnection romeo = Clients.login(node, "romeo", "pw-romeo", "csi-test");
            try {
                // romeo's available presence can wait (XEP-0352); his chat message cannot, and flushes it.
                Thread.sleep(500); // not a wait for something to happen: lets the presence be held, if anything
                long messageSent = System.currentTimeMillis();
                romeo.sendStanza(chat("juliet@" + TestNode.DOMAIN, "urgent", "wake up"));
                JsonNode presence = js.await("stanza", e -> e.path("xml").asText().startsWith("<presence")
                    && e.path("xml").asText().contains("romeo@"), WAIT);
                js.await("stanza", e -> e.path("xml").asText().contains("urgent"), WAIT);
                assertTrue(presence.path("at").asLong() >= messageSent,
                    "the presence was held until the message: it came " + (messageSent - presence.path("at").asLong())
                        + " ms before the message was sent");
            } finally {
                romeo.disconnect();
            }
        }
    }
}
