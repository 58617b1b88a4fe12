package chorus.node.it.peers;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The component library the federation tests use, proven against a real server: slixmpp's
 * {@code ComponentXMPP} connects to Prosody as {@code gateway.prosody.example} and exchanges messages and
 * presence with a Prosody user and, over s2s, with an ejabberd user. Chorus's component listener will be
 * tested with the same component the same way.
 */
class ComponentLibraryIT {
    static final String SECRET = "a-component-secret-for-tests";
    static PeerWorld world;
    static PeerComponent component;
    static XMPPTCPConnection alice; // alice@prosody.example, the component's own server
    static XMPPTCPConnection bob;   // bob@ejabberd.example, a remote server

    @BeforeAll
    static void start() throws Exception {
        world = PeerWorld.start(PeerWorld.options().prosodyComponent(SECRET));
        PeerWorld.Listener listener = world.prosodyComponentListener();
        component = PeerComponent.start(PeerWorld.PROSODY_COMPONENT, SECRET, listener.host(), listener.port(), world.directory());
        world.prosody().register("alice", "pw-alice");
        world.ejabberd().register("bob", "pw-bob");
        alice = world.login(world.prosody(), "alice", "pw-alice", "smack");
        bob = world.login(world.ejabberd(), "bob", "pw-bob", "smack");
    }

    @AfterAll
    static void stop() {
        for (XMPPTCPConnection c : new XMPPTCPConnection[] {alice, bob}) {
            if (c != null) {
                c.disconnect();
            }
        }
        if (component != null) {
            component.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aLocalUserAndARemoteUserChatWithTheComponent() throws Exception {
        assertEcho(alice, "hello from prosody");
        assertEcho(bob, "hello from ejabberd over s2s");
    }

    @Test
    void aSubscriptionToTheComponentIsAcceptedAndItsPresenceArrives() throws Exception {
        Jid gateway = JidCreate.bareFrom("echo@" + PeerWorld.PROSODY_COMPONENT);
        for (XMPPTCPConnection user : new XMPPTCPConnection[] {alice, bob}) {
            StanzaCollector presences = user.createStanzaCollector(new AndFilter(StanzaTypeFilter.PRESENCE,
                    FromMatchesFilter.createBare(gateway)));
            try {
                user.sendStanza(StanzaBuilder.buildPresence().to(gateway).ofType(Presence.Type.subscribe).build());
                Presence available = null;
                for (Presence p = presences.nextResult(30_000); p != null; p = presences.nextResult(30_000)) {
                    if (p.getType() == Presence.Type.available) {
                        available = p;
                        break;
                    }
                }
                assertNotNull(available, user.getUser() + " saw no available presence of the component\n" + component.output()
                        + "\n" + world.logs());
            } finally {
                presences.cancel();
            }
        }
    }

    private static void assertEcho(XMPPTCPConnection user, String body) throws Exception {
        Jid echo = JidCreate.bareFrom("echo@" + PeerWorld.PROSODY_COMPONENT);
        StanzaCollector inbox = user.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE, FromMatchesFilter.createBare(echo)));
        try {
            user.sendStanza(StanzaBuilder.buildMessage().to(echo).ofType(Message.Type.chat).setBody(body).build());
            Message got = inbox.nextResult(30_000);
            assertNotNull(got, user.getUser() + " got no echo\n" + component.output() + "\n" + world.logs());
            assertEquals("echo: " + body, got.getBody(), got.toXML().toString());
        } finally {
            inbox.cancel();
        }
    }
}
