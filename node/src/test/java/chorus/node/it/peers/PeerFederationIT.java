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
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peer harness proves itself: a private Prosody and a private ejabberd, resolving each other through
 * the world's dnsmasq and trusting the world's CA, federate the way Chorus will have to federate with
 * them: chat messages each way, a presence subscription that ends as {@code both} on both rosters, vCard
 * and ping IQs, a chat room on each side joined from the other, and offline messages to either side.
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

    @Test
    void vcardAndPingIqsCrossTheServersBothWays() throws Exception {
        VCard mine = new VCard();
        mine.setNickName("Alice of Prosody");
        VCardManager.getInstanceFor(alice).saveVCard(mine);
        VCard seen = VCardManager.getInstanceFor(bob).loadVCard(alice.getUser().asEntityBareJid());
        assertEquals("Alice of Prosody", seen.getNickName());
        VCard bobs = new VCard();
        bobs.setNickName("Bob of ejabberd");
        VCardManager.getInstanceFor(bob).saveVCard(bobs);
        assertEquals("Bob of ejabberd", VCardManager.getInstanceFor(alice).loadVCard(bob.getUser().asEntityBareJid()).getNickName());
        assertTrue(PingManager.getInstanceFor(bob).ping(alice.getUser()), "bob pings alice's client");
        assertTrue(PingManager.getInstanceFor(alice).ping(bob.getUser()), "alice pings bob's client");
        assertTrue(PingManager.getInstanceFor(alice).ping(JidCreate.domainBareFrom(PeerWorld.EJABBERD_DOMAIN)), "alice pings ejabberd");
        assertTrue(PingManager.getInstanceFor(bob).ping(JidCreate.domainBareFrom(PeerWorld.PROSODY_DOMAIN)), "bob pings prosody");
    }

    @Test
    void aRoomOnEachServerIsJoinedFromTheOther() throws Exception {
        assertRoomWorks(alice, bob, "prosody-room@" + world.prosody().mucDomain());
        assertRoomWorks(bob, alice, "ejabberd-room@" + world.ejabberd().mucDomain());
    }

    @Test
    void aMessageToAnOfflineUserOfEitherServerWaitsForTheirLogin() throws Exception {
        world.ejabberd().register("carol", "pw-carol");
        world.prosody().register("dave", "pw-dave");
        assertStoredAndDelivered(alice, world.ejabberd(), "carol", "pw-carol");
        assertStoredAndDelivered(bob, world.prosody(), "dave", "pw-dave");
    }

    private static void assertRoomWorks(XMPPTCPConnection owner, XMPPTCPConnection guest, String room) throws Exception {
        MultiUserChat ownerSide = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(JidCreate.entityBareFrom(room));
        ownerSide.create(Resourcepart.from("owner")).makeInstant();
        MultiUserChat guestSide = MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(JidCreate.entityBareFrom(room));
        guestSide.join(Resourcepart.from("guest"));
        String body = "hello " + room + " from " + guest.getUser().getDomain();
        guestSide.sendMessage(body);
        Message got = null;
        for (Message m = ownerSide.nextMessage(30_000); m != null; m = ownerSide.nextMessage(30_000)) {
            if (body.equals(m.getBody())) {
                got = m;
                break;
            }
        }
        assertNotNull(got, "the owner did not get the guest's groupchat message in " + room + "\n" + world.logs());
        assertEquals(room + "/guest", got.getFrom().toString());
        guestSide.leave();
        ownerSide.destroy("done", null);
    }

    private static void assertStoredAndDelivered(XMPPTCPConnection sender, PeerServer server, String user, String password)
            throws Exception {
        String to = user + "@" + server.domain();
        String body = "while you were away, from " + sender.getUser().getDomain();
        sender.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom(to)).ofType(Message.Type.chat).setBody(body).build());
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!server.hasOfflineMessages(user) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(server.hasOfflineMessages(user), to + " has no offline message stored\n" + world.logs());
        XMPPTCPConnection later = world.client(server, user, password, "later");
        StanzaCollector inbox = null;
        try {
            later.connect();
            inbox = later.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
                    FromMatchesFilter.createBare(sender.getUser().asBareJid())));
            later.login();
            Message got = inbox.nextResult(30_000);
            assertNotNull(got, to + " got no offline message\n" + world.logs());
            assertEquals(body, got.getBody());
            assertNotNull(got.getExtension(DelayInformation.class), "an offline message carries its delay: " + got.toXML());
        } finally {
            if (inbox != null) {
                inbox.cancel();
            }
            later.disconnect();
        }
    }
}
