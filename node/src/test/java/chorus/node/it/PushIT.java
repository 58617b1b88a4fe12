package chorus.node.it;

import chorus.node.it.peers.PeerComponent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.push_notifications.PushNotificationsManager;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0357 push notifications on a real node, with Smack's PushNotificationsManager enabling push and a real app
 * server: an external component (XEP-0114, slixmpp, {@code peers/push_appserver.py}) that records each publish and
 * answers it. A client whose stream dropped and waits for XEP-0198 resumption, or that is XEP-0352 inactive, gets
 * its app server notified of a message (the summary, without the body); an app server that answers with errors
 * has its registration disabled.
 */
public class PushIT {
    static final String HOST = "127.0.8.1";
    static final String APP = "push." + TestNode.DOMAIN;
    static final String SECRET = "the push app server's secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX = 5;
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static PeerComponent appServer;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chorus-push-it-");
        int componentPort = TestNode.freePort();
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST,
            "chorus.component.bind", HOST, "chorus.component.port", componentPort,
            "chorus.component.components", List.of(Map.of("domain", APP, "secret", SECRET)),
            "chorus.push.max-failures", 2, "chorus.push.answer-timeout", "10s", "chorus.push.max-per-account", MAX));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.dataDir());
        for (String u : new String[] {"juliet", "helena", "viola", "romeo", "mallory"}) {
            node.createUser(u, "pw-" + u);
        }
        appServer = PeerComponent.start("push_appserver.py", APP, SECRET, HOST, componentPort, dir);
    }

    @AfterAll
    static void stop() {
        if (appServer != null) {
            appServer.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static XMPPTCPConnection client(String user, String resource) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(endpoint, user, "pw-" + user)
            .setResource(resource).build());
        c.setUseStreamManagement(true);
        c.setUseStreamManagementResumption(true);
        c.setReplyTimeout(10_000);
        c.connect().login();
        return c;
    }

    static void enable(XMPPTCPConnection c, String pushNode, Map<String, String> options) throws Exception {
        PushNotificationsManager push = PushNotificationsManager.getInstanceFor(c);
        assertTrue(push.isSupported(), "urn:xmpp:push:0 on the account's disco#info");
        assertTrue(push.enable(JidCreate.from(APP), pushNode, new HashMap<>(options)), "push enabled");
    }

    static void chat(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat)
            .setBody(body).build());
    }

    /** The publishes the app server got for this node (or nodes starting so, for a name ending in -), in order. */
    static List<JsonNode> publishes(String pushNode) throws Exception {
        return publishes(appServer, pushNode);
    }

    /** As {@link #publishes(String)}, of this app server ({@code peers/push_appserver.py}'s PUBLISH lines). */
    public static List<JsonNode> publishes(PeerComponent app, String pushNode) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : app.output().split("\n")) {
            if (line.startsWith("PUBLISH ")) {
                JsonNode p = JSON.readTree(line.substring("PUBLISH ".length()));
                String got = p.get("node").asText();
                if (pushNode.equals(got) || pushNode.endsWith("-") && got.startsWith(pushNode)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /**
     * Sends a message every two seconds until the app server got {@code n} publishes for the node (the session's
     * word that its client stopped reading and the message travel different paths to the account's entity).
     */
    static List<JsonNode> sendUntil(int n, String pushNode, XMPPTCPConnection from, String to, String body)
        throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            chat(from, to, body);
            for (int i = 0; i < 20; i++) {
                List<JsonNode> got = publishes(pushNode);
                if (got.size() >= n) {
                    return got;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the app server got fewer than " + n + " publishes for " + pushNode + "\n"
            + appServer.output());
    }

    static String field(JsonNode form, String var) {
        JsonNode v = form.get(var);
        return v == null || v.isEmpty() ? null : v.get(0).asText();
    }

    @Test
    void aClientWaitingForResumptionHasItsAppServerToldOfAMessageWithoutItsBody() throws Exception {
        XMPPTCPConnection phone = client("juliet", "phone");
        enable(phone, "node-juliet", Map.of("secret", "s3cr3t"));
        assertTrue(phone.isSmResumptionPossible(), "XEP-0198 with resumption");
        phone.instantShutdown();
        XMPPTCPConnection romeo = client("romeo", "orchard");
        try {
            JsonNode publish = sendUntil(1, "node-juliet", romeo, "juliet@" + TestNode.DOMAIN, "wherefore art thou")
                .get(0);
            assertEquals("juliet@" + TestNode.DOMAIN, publish.get("from").asText(), "from the account (§7)");
            JsonNode summary = publish.get("summary");
            assertEquals("urn:xmpp:push:summary", field(summary, "FORM_TYPE"));
            assertTrue(Integer.parseInt(field(summary, "message-count")) >= 1);
            assertEquals("romeo@" + TestNode.DOMAIN + "/orchard", field(summary, "last-message-sender"));
            assertNull(field(summary, "last-message-body"), "no body by default");
            assertFalse(publish.get("xml").asText().contains("wherefore"), "nothing of the body anywhere");
            assertEquals("s3cr3t", field(publish.get("options"), "secret"), "the publish options, forwarded");
        } finally {
            romeo.disconnect();
        }
    }

    @Test
    void anInactiveClientHasItsAppServerToldAndAnActiveOneNot() throws Exception {
        XMPPTCPConnection tablet = client("helena", "tablet");
        List<String> bodies = new CopyOnWriteArrayList<>();
        tablet.addSyncStanzaListener(s -> bodies.add(((Message) s).getBody()),
            s -> s instanceof Message m && m.getBody() != null);
        XMPPTCPConnection romeo = client("romeo", "garden");
        try {
            enable(tablet, "node-helena", Map.of());
            ClientStateIndicationManager.inactive(tablet);
            assertTrue(PingManager.getInstanceFor(tablet).pingMyServer(false));
            sendUntil(1, "node-helena", romeo, "helena@" + TestNode.DOMAIN, "while you sleep");
            ClientStateIndicationManager.active(tablet);
            assertTrue(PingManager.getInstanceFor(tablet).pingMyServer(false));
            Thread.sleep(1000);
            int before = publishes("node-helena").size();
            chat(romeo, "helena@" + TestNode.DOMAIN, "now you read");
            MessagingIT.awaitTrue(() -> bodies.contains("now you read"), "the active client gets the message");
            Thread.sleep(2000);
            assertEquals(before, publishes("node-helena").size(), "an active client's app server is not told");
        } finally {
            romeo.disconnect();
            tablet.disconnect();
        }
    }

    @Test
    void anAppServerThatAnswersWithErrorsLosesTheRegistrationAndTheUserIsNotTold() throws Exception {
        XMPPTCPConnection desk = client("viola", "desk");
        List<Stanza> deskGot = new CopyOnWriteArrayList<>();
        desk.addSyncStanzaListener(deskGot::add, s -> !(s instanceof Message m && m.getBody() != null));
        XMPPTCPConnection ipad = client("viola", "ipad");
        enable(ipad, "fail-viola", Map.of());
        ipad.instantShutdown();
        XMPPTCPConnection romeo = client("romeo", "balcony");
        try {
            sendUntil(2, "fail-viola", romeo, "viola@" + TestNode.DOMAIN, "are you there");
            Thread.sleep(2000);
            for (int i = 0; i < 3; i++) {
                chat(romeo, "viola@" + TestNode.DOMAIN, "still there? " + i);
                Thread.sleep(1000);
            }
            Thread.sleep(3000);
            assertEquals(2, publishes("fail-viola").size(),
                "after max-failures (2) errors in a row the registration is disabled\n" + appServer.output());
            Jid app = JidCreate.from(APP);
            assertTrue(deskGot.stream().noneMatch(s -> app.equals(s.getFrom()) || s.toXML().toString()
                .contains("urn:xmpp:push:0")), "the user's clients are not told: " + deskGot);
        } finally {
            romeo.disconnect();
            desk.disconnect();
        }
    }

    @Test
    void registrationsAreBoundedPerAccountWhenSeveralClientsEnableAtOnceAndLargeOptionsAreRefused() throws Exception {
        List<XMPPTCPConnection> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(client("mallory", "flood" + i));
        }
        XMPPTCPConnection romeo = client("romeo", "watch");
        try {
            List<Thread> floods = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                XMPPTCPConnection c = clients.get(i);
                int n = i;
                Thread t = new Thread(() -> {
                    try {
                        for (int j = 0; j < 10; j++) {
                            enable(c, "flood-" + n + "-" + j, Map.of("secret", "x".repeat(200)));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                t.start();
                floods.add(t);
            }
            for (Thread t : floods) {
                t.join();
            }
            assertEquals(List.of(), failures, "40 registrations enabled at once from 4 connections");
            PushNotificationsManager push = PushNotificationsManager.getInstanceFor(clients.get(0));
            XMPPException.XMPPErrorException big = assertThrows(XMPPException.XMPPErrorException.class,
                () -> push.enable(JidCreate.from(APP), "flood-big", new HashMap<>(Map.of("secret", "y".repeat(5000)))));
            assertEquals(StanzaError.Condition.not_acceptable, big.getStanzaError().getCondition(),
                "publish options over chorus.push.max-options-size");
            for (XMPPTCPConnection c : clients) {
                c.disconnect();
            }
            sendUntil(1, "flood-", romeo, "mallory@" + TestNode.DOMAIN, "who is there");
            Thread.sleep(3000);
            java.util.Set<String> nodes = new java.util.TreeSet<>();
            for (String line : appServer.output().split("\n")) {
                if (line.startsWith("PUBLISH ")) {
                    String pushNode = JSON.readTree(line.substring("PUBLISH ".length())).get("node").asText();
                    if (pushNode.startsWith("flood-")) {
                        nodes.add(pushNode);
                    }
                }
            }
            assertTrue(!nodes.isEmpty() && nodes.size() <= MAX, "at most " + MAX + " registrations kept: " + nodes);
            assertFalse(nodes.contains("flood-big"));
            assertTrue(PingManager.getInstanceFor(romeo).pingMyServer(false), "the node still serves");
        } finally {
            romeo.disconnect();
            for (XMPPTCPConnection c : clients) {
                c.disconnect();
            }
        }
    }
}
