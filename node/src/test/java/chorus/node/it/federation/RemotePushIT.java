package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.PushIT;
import chorus.node.it.TestNode;
import chorus.node.it.peers.PeerComponent;
import chorus.node.it.peers.PeerWorld;
import chorus.node.tls.TestCa;
import com.fasterxml.jackson.databind.JsonNode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.csi.ClientStateIndicationManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.push_notifications.PushNotificationsManager;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0357 push with the app server on another server: the app server ({@code peers/push_appserver.py}, slixmpp) is
 * an external component of a real Prosody 0.12 ({@code gateway.prosody.example}), so each notification leaves Chorus
 * over s2s, and the app server's answers, results and errors, come back the same way. Only Prosody is started; the
 * world lives on its own loopback addresses (127.0.1.51-54).
 */
class RemotePushIT {
    static final String APP = PeerWorld.PROSODY_COMPONENT;
    static final String SECRET = "the remote app server's secret";
    static final String CHORUS_IP = "127.0.1.54";
    static PeerWorld world;
    static FederatedNode chorus;
    static PeerComponent appServer;

    @BeforeAll
    static void start() throws Exception {
        FederatedNode.Options o = new FederatedNode.Options(PeerWorld.CHORUS_DOMAIN, CHORUS_IP);
        world = PeerWorld.start(PeerWorld.options().at("127.0.1.51", "127.0.1.52", "127.0.1.53").withoutEjabberd()
            .prosodyComponent(SECRET)
            .publish(PeerWorld.CHORUS_DOMAIN, CHORUS_IP, o.s2sPort(), false));
        Path dir = Files.createTempDirectory(world.directory(), "chorus");
        o.certificate(TestCa.writeIdentity(world.issue(TestCa.Names.dns(PeerWorld.CHORUS_DOMAIN)), dir, "chorus"))
            .trust(world.caFile())
            .set("chorus.s2s.resolver.nameservers", world.dns().ip() + ":" + world.dns().port())
            .set("chorus.s2s.resolver.timeout", "3s")
            .set("chorus.push.max-failures", 2)
            .set("chorus.push.answer-timeout", "20s");
        chorus = FederatedNode.start(o);
        for (String u : new String[] {"juliet", "viola", "romeo"}) {
            chorus.createUser(u, "pw-" + u);
        }
        PeerWorld.Listener l = world.prosodyComponentListener();
        appServer = PeerComponent.start("push_appserver.py", APP, SECRET, l.host(), l.port(), world.directory());
    }

    @AfterAll
    static void stop() {
        if (appServer != null) {
            appServer.close();
        }
        if (chorus != null) {
            chorus.close();
        }
        if (world != null) {
            world.close();
        }
    }

    static XMPPTCPConnection client(String user, String resource) throws Exception {
        return chorus.login(user, "pw-" + user, resource);
    }

    /** Enables push to the remote app server, then goes XEP-0352 inactive (the ping: the nonza took effect). */
    static void enableAndSleep(XMPPTCPConnection c, String pushNode) throws Exception {
        PushNotificationsManager push = PushNotificationsManager.getInstanceFor(c);
        assertTrue(push.enable(JidCreate.from(APP), pushNode, new HashMap<>(Map.of("secret", "s3cr3t"))),
            "push enabled with an app server on another domain");
        ClientStateIndicationManager.inactive(c);
        assertTrue(PingManager.getInstanceFor(c).pingMyServer(false));
    }

    static void chat(XMPPTCPConnection from, String to, String body) throws Exception {
        from.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat)
            .setBody(body).build());
    }

    static List<JsonNode> publishes(String pushNode) throws Exception {
        return PushIT.publishes(appServer, pushNode);
    }

    /** Sends a message every three seconds until the app server got {@code n} publishes for the node. */
    static List<JsonNode> sendUntil(int n, String pushNode, XMPPTCPConnection from, String to) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int i = 0;
        while (System.nanoTime() < deadline) {
            chat(from, to, "wherefore art thou " + i++);
            for (int k = 0; k < 30; k++) {
                List<JsonNode> got = publishes(pushNode);
                if (got.size() >= n) {
                    return got;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the remote app server got fewer than " + n + " publishes for " + pushNode + "\n"
            + appServer.output() + "\n" + world.logs());
    }

    @Test
    void anInactiveClientsRemoteAppServerIsToldOverS2sWithoutTheBody() throws Exception {
        XMPPTCPConnection phone = client("juliet", "phone");
        XMPPTCPConnection romeo = client("romeo", "orchard");
        try {
            enableAndSleep(phone, "node-juliet");
            JsonNode publish = sendUntil(1, "node-juliet", romeo, "juliet@" + PeerWorld.CHORUS_DOMAIN).get(0);
            assertEquals("juliet@" + PeerWorld.CHORUS_DOMAIN, publish.get("from").asText(),
                "from the account, through Prosody");
            assertEquals("romeo@" + PeerWorld.CHORUS_DOMAIN + "/orchard",
                publish.get("summary").get("last-message-sender").get(0).asText());
            assertFalse(publish.get("xml").asText().contains("wherefore"), "nothing of the body crossed s2s");
            assertEquals("s3cr3t", publish.get("options").get("secret").get(0).asText());
            // The app server's result came back over s2s: the registration stays, the next message is told too.
            int before = publishes("node-juliet").size();
            sendUntil(before + 1, "node-juliet", romeo, "juliet@" + PeerWorld.CHORUS_DOMAIN);
        } finally {
            romeo.disconnect();
            phone.disconnect();
        }
    }

    @Test
    void errorsFromTheRemoteAppServerDisableTheRegistration() throws Exception {
        XMPPTCPConnection ipad = client("viola", "ipad");
        XMPPTCPConnection romeo = client("romeo", "balcony");
        try {
            enableAndSleep(ipad, "fail-viola");
            sendUntil(2, "fail-viola", romeo, "viola@" + PeerWorld.CHORUS_DOMAIN);
            // Two errors in a row came back over s2s (max-failures 2): nothing more goes out, however many arrive.
            // The last error may still be on its way when the second publish is seen: wait until a message sent
            // now finds the registration gone, i.e. the count stays put over several messages.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean quiet = false;
            while (!quiet && System.nanoTime() < deadline) {
                int before = publishes("fail-viola").size();
                for (int i = 0; i < 3; i++) {
                    chat(romeo, "viola@" + PeerWorld.CHORUS_DOMAIN, "still there? " + i);
                    Thread.sleep(1000);
                }
                Thread.sleep(2000);
                quiet = publishes("fail-viola").size() == before;
            }
            assertTrue(quiet, "the registration is disabled after two errors from the remote app server\n"
                + appServer.output());
            assertEquals(2, publishes("fail-viola").size(), "exactly max-failures publishes\n" + appServer.output());
        } finally {
            romeo.disconnect();
            ipad.disconnect();
        }
    }
}
