package chorus.node.it.peers;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer harness proves itself: a private Prosody and a private ejabberd, resolving each other through
 * the world's dnsmasq and trusting the world's CA, federate the way Chorus will have to federate with
 * them — a chat message each way, and a presence subscription that ends as {@code both} on both rosters.
 * Smack is the client of both servers.
 */
class PeerFederationIT {
    static PeerWorld world;
    static XMPPTCPConnection alice; // alice@prosody.example
    static XMPPTCPConnection bob;   // bob@ejabberd.example

    @BeforeAll
    static void startWorld() throws Exception {
        world = PeerWorld.start(PeerWorld.options());
        world.prosody().register("alice", "pw-alice");
        world.ejabberd().register("bob", "pw-bob");
        alice = world.login(world.prosody(), "alice", "pw-alice", "smack");
        bob = world.login(world.ejabberd(), "bob", "pw-bob", "smack");
        System.out.println("peer world: " + world.prosody().version() + " on " + world.prosody().ip() + ", "
                + world.ejabberd().version() + " on " + world.ejabberd().ip());
    }

    @AfterAll
    static void stopWorld() {
        if (alice != null) {
            alice.disconnect();
        }
        if (bob != null) {
            bob.disconnect();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aProsodyUserAndAnEjabberdUserExchangeChatMessages() throws Exception {
        assertDelivered(alice, bob, "from prosody to ejabberd");
        assertDelivered(bob, alice, "from ejabberd to prosody");
    }

    @Test
    void aSubscriptionAcrossTheServersEndsAsBothOnBothRosters() throws Exception {
        BareJid aliceJid = JidCreate.bareFrom("alice@" + PeerWorld.PROSODY_DOMAIN);
        BareJid bobJid = JidCreate.bareFrom("bob@" + PeerWorld.EJABBERD_DOMAIN);
        Roster aliceRoster = Roster.getInstanceFor(alice);
        Roster bobRoster = Roster.getInstanceFor(bob);
        aliceRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        bobRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        aliceRoster.createItemAndRequestSubscription(bobJid, "Bob", null);
        bobRoster.createItemAndRequestSubscription(aliceJid, "Alice", null);
        awaitBoth(aliceRoster, bobJid);
        awaitBoth(bobRoster, aliceJid);
    }

    private static void assertDelivered(XMPPTCPConnection from, XMPPTCPConnection to, String body) throws Exception {
        StanzaCollector inbox = to.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
                FromMatchesFilter.createBare(from.getUser().asBareJid())));
        try {
            from.sendStanza(StanzaBuilder.buildMessage().to(to.getUser().asBareJid()).ofType(Message.Type.chat)
                    .setBody(body).build());
            Message got = inbox.nextResult(30_000);
            assertNotNull(got, to.getUser() + " got nothing from " + from.getUser() + "\n" + world.logs());
            assertEquals(Message.Type.chat, got.getType(), "an error came back instead:\n" + got.toXML() + "\n" + world.logs());
            assertEquals(body, got.getBody());
        } finally {
            inbox.cancel();
        }
    }

    private static void awaitBoth(Roster roster, BareJid contact) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            RosterEntry e = roster.getEntry(contact);
            if (e != null && e.getType() == RosterPacket.ItemType.both) {
                return;
            }
            Thread.sleep(200);
        }
        RosterEntry e = roster.getEntry(contact);
        assertTrue(false, contact + " on the roster: " + (e == null ? "missing" : e.getType()) + "\n" + world.logs());
    }
}
