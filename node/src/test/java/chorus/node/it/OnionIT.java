package chorus.node.it;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Localpart;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client listener for a Tor onion service: clients log in there with TLS as anywhere, and since Tor
 * hands them all over from its own address they are one anonymous source for the registration limit, apart
 * from clients of the regular port on the same machine, and the admins' notice names no address.
 */
class OnionIT {
    static final String ONION_IP = "127.0.0.9";
    static TestNode node;
    static int onionPort;

    @BeforeAll
    static void start() throws Exception {
        onionPort = TestNode.freePort();
        node = TestNode.start(Map.of(
            "chorus.c2s.onion.bind", ONION_IP,
            "chorus.c2s.onion.port", onionPort,
            "chorus.registration.enabled", true,
            "chorus.registration.per-address", 1,
            "chorus.admins", List.of("warden@chorus.test")));
        node.createUser("warden", "watchful");
        node.createUser("hidden", "in-plain-sight");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static XMPPTCPConnection onion(String user, String password) throws Exception {
        return new XMPPTCPConnection(Clients.config(node, user, password)
            .setHostAddress(InetAddress.getByName(ONION_IP)).setPort(onionPort).build());
    }

    @Test
    void aClientLogsInWithTlsOnTheOnionListener() throws Exception {
        XMPPTCPConnection c = onion("hidden", "in-plain-sight");
        try {
            c.connect().login();
            assertTrue(c.isSecureConnection(), "TLS is required on the onion listener too");
            assertTrue(c.isAuthenticated());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void onionClientsAreOneAnonymousSourceForRegistrationAndTheNoticeNamesNoAddress() throws Exception {
        try (RawClient warden = RawClient.connect(node.c2sPort())) {
            warden.bind(TestNode.DOMAIN, Clients.trusting(node), "warden", "watchful", "console");
            warden.send("<presence/>");
            warden.send("<iq type='get' id='d1' to='warden@chorus.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
            warden.await("id=\"d1\"", Duration.ofSeconds(5));

            // Three onion clients at once, on three connections: the allowance of one source is one.
            List<CompletableFuture<String>> attempts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "tor" + i;
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    XMPPTCPConnection c = null;
                    try {
                        c = onion(name, "pw");
                        c.connect();
                        AccountManager.getInstance(c).createAccount(Localpart.from(name), "pw-" + name);
                        return "created";
                    } catch (XMPPException.XMPPErrorException e) {
                        return e.getStanzaError().getCondition().toString();
                    } catch (Exception e) {
                        return e.toString();
                    } finally {
                        if (c != null) {
                            c.disconnect();
                        }
                    }
                }));
            }
            List<String> outcomes = attempts.stream().map(CompletableFuture::join).sorted().toList();
            assertEquals(List.of("created", StanzaError.Condition.policy_violation.toString(),
                StanzaError.Condition.policy_violation.toString()), outcomes);

            String notice = warden.await("</message>", Duration.ofSeconds(10));
            assertTrue(notice.contains("onion service"), notice);
            assertFalse(notice.contains("127.0.0."), "the notice names Tor's address: " + notice);

            // A client of the regular port on the same machine is another source: onion clients are not "local".
            XMPPTCPConnection local = new XMPPTCPConnection(Clients.config(node, "nearby", "pw").build());
            try {
                local.connect();
                AccountManager.getInstance(local).createAccount(Localpart.from("nearby"), "pw-nearby");
            } finally {
                local.disconnect();
            }
            String second = warden.await("</message>", Duration.ofSeconds(10));
            assertTrue(second.contains("nearby@chorus.test") && second.contains("127.0.0.1"), second);
        }
    }
}
