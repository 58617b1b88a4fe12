package chorus.node.it;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The opt-in web presence badge on a node that offers it: off for every account until its user turns it on with the
 * ad-hoc command at their own address (Smack's AdHocCommandManager here); then {@code /status/USER} follows the
 * account's availability; for every other name, existing or not, the answer is the same.
 */
class WebPresenceIT {
    static final String D = TestNode.DOMAIN;
    static final String NODE = "urn:chorus:webpresence";
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.webpresence.enabled", "on"));
        node.createUser("alice", "pw-alice");
        node.createUser("bob", "pw-bob");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static HttpResponse<String> status(String path) throws Exception {
        return WebClients.get(node, "/status/" + path);
    }

    static void setBadge(XMPPTCPConnection c, boolean shown) throws Exception {
        RemoteCommand cmd = AdHocCommandManager.getAddHocCommandsManager(c)
            .getRemoteCommand(c.getUser().asBareJid(), NODE);
        cmd.execute();
        FillableForm form = new FillableForm(cmd.getForm());
        form.setAnswer("shown", shown);
        cmd.complete(form);
        assertTrue(cmd.isCompleted());
    }

    static void awaitStatus(String user, String status) throws Exception {
        MessagingIT.awaitTrue(() -> status(user + ".json").body().contains("\"status\":\"" + status + "\""),
            user + " shows " + status);
    }

    @Test
    void anAccountShowsItsAvailabilityOnlyOnceItsUserTurnedTheBadgeOn() throws Exception {
        HttpResponse<String> nobody = status("nobody.json");
        assertEquals(404, nobody.statusCode());
        HttpResponse<String> nobodySvg = status("nobody");
        XMPPTCPConnection alice = Clients.login(node, "alice", "pw-alice", "laptop");
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "desk");
        try {
            assertSameAnswer(nobody, status("alice.json"), "off until the user turns it on");
            DiscoverItems commands = AdHocCommandManager.getAddHocCommandsManager(alice)
                .discoverCommands(alice.getUser().asBareJid());
            assertTrue(commands.getItems().stream().anyMatch(i -> NODE.equals(i.getNode())), "the command is listed");
            RemoteCommand first = AdHocCommandManager.getAddHocCommandsManager(alice)
                .getRemoteCommand(alice.getUser().asBareJid(), NODE);
            first.execute();
            String initial = first.getForm().getField("shown").getFirstValue();
            assertTrue(initial.equals("0") || initial.equals("false"), "off by default (XEP-0004 §3.3 boolean): " + initial);
            first.cancel();

            setBadge(alice, true);
            awaitStatus("alice", "online");
            HttpResponse<String> json = status("alice.json");
            assertEquals(200, json.statusCode());
            assertEquals("{\"jid\":\"alice@" + D + "\",\"status\":\"online\"}", json.body());
            HttpResponse<String> svg = status("alice");
            assertTrue(svg.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"));
            assertTrue(svg.body().contains("alice: online") && svg.body().startsWith("<svg"), svg.body());

            alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away).build());
            awaitStatus("alice", "away");
            assertTrue(status("alice.svg").body().contains("alice: away"));

            // Only the account itself may run its command.
            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class, () -> {
                RemoteCommand foreign = AdHocCommandManager.getAddHocCommandsManager(bob)
                    .getRemoteCommand(JidCreate.bareFrom("alice@" + D), NODE);
                foreign.execute();
            });
            assertEquals(StanzaError.Condition.service_unavailable, refused.getStanzaError().getCondition());
            // Bob never turned it on: his badge answers like a name nobody has.
            assertSameAnswer(nobody, status("bob.json"), "an account that did not opt in");
            assertSameAnswer(nobodySvg, status("bob"), "the image too");
            assertSameAnswer(nobody, status("not%20a%20name.json"), "a name that cannot be an account");
        } finally {
            bob.disconnect();
        }
        alice.disconnect();
        awaitStatus("alice", "offline");

        XMPPTCPConnection again = Clients.login(node, "alice", "pw-alice", "phone");
        try {
            awaitStatus("alice", "online");
            setBadge(again, false);
            MessagingIT.awaitTrue(() -> status("alice.json").statusCode() == 404, "off again");
            assertSameAnswer(nobody, status("alice.json"), "turned off, it answers like any other name");
        } finally {
            again.disconnect();
        }
        assertFalse(status("alice.json").body().contains("alice"));
    }

    static void assertSameAnswer(HttpResponse<String> expected, HttpResponse<String> actual, String what) {
        assertEquals(expected.statusCode(), actual.statusCode(), what);
        assertEquals(expected.body(), actual.body(), what);
        assertEquals(expected.headers().map().keySet(), actual.headers().map().keySet(), what);
        assertEquals(expected.headers().firstValue("Content-Type"), actual.headers().firstValue("Content-Type"), what);
        assertEquals(expected.headers().firstValue("Content-Length"), actual.headers().firstValue("Content-Length"), what);
    }
}
