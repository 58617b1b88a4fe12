package chorus.node.it;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Roster, subscriptions, presence and messages between real clients (RFC 6121). */
class MessagingIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        for (String u : new String[] {"romeo", "juliet", "nurse", "tybalt", "mercutio", "benvolio"}) {
            node.createUser(u, "pw-" + u);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * Logs in and waits until the account's entity has the initial presence: Smack sends it without
     * waiting, and an IQ to the own account travels the same path behind it.
     */
    static XMPPTCPConnection login(String user, String resource) throws Exception {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual);
        XMPPTCPConnection c = Clients.login(node, user, "pw-" + user, resource);
        ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(jid(user));
        return c;
    }

    static EntityBareJid jid(String local) throws Exception {
        return JidCreate.entityBareFrom(local + "@" + TestNode.DOMAIN);
    }

    @Test
    void aMutualSubscriptionShowsEachOthersPresenceAndRosterState() throws Exception {
        XMPPTCPConnection romeo = login("romeo", "r1");
        XMPPTCPConnection juliet = login("juliet", "j1");
        try {
            Roster rr = Roster.getInstanceFor(romeo);
            Roster jr = Roster.getInstanceFor(juliet);
            rr.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            jr.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            rr.createItemAndRequestSubscription(jid("juliet"), "Juliet", new String[] {"Capulets"});
            jr.createItemAndRequestSubscription(jid("romeo"), "Romeo", null);

            awaitTrue(() -> {
                RosterEntry e = rr.getEntry(jid("juliet"));
                return e != null && e.getType() == RosterPacket.ItemType.both;
            }, "romeo sees juliet with subscription both");
            awaitTrue(() -> {
                RosterEntry e = jr.getEntry(jid("romeo"));
                return e != null && e.getType() == RosterPacket.ItemType.both;
            }, "juliet sees romeo with subscription both");
            awaitTrue(() -> rr.getPresence(jid("juliet")).isAvailable(), "romeo sees juliet available");
            awaitTrue(() -> jr.getPresence(jid("romeo")).isAvailable(), "juliet sees romeo available");
            assertEquals("Juliet", rr.getEntry(jid("juliet")).getName());
            assertEquals("Capulets", rr.getEntry(jid("juliet")).getGroups().get(0).getName());

            // Disconnecting makes the resource unavailable to the contact (RFC 6121 §4.5).
            juliet.disconnect();
            awaitTrue(() -> !rr.getPresence(jid("juliet")).isAvailable(), "juliet's departure reaches romeo");
        } finally {
            romeo.disconnect();
            juliet.disconnect();
        }
    }

    @Test
    void theRosterSurvivesLoggingOutAndIsTheSameForEveryClient() throws Exception {
        XMPPTCPConnection c1 = login("nurse", "one");
        Roster.getInstanceFor(c1).createItem(jid("juliet"), "Lady", new String[] {"Family", "Work"});
        c1.disconnect();
        XMPPTCPConnection c2 = login("nurse", "two");
        try {
            Roster r = Roster.getInstanceFor(c2);
            awaitTrue(r::isLoaded, "roster loaded");
            RosterEntry e = r.getEntry(jid("juliet"));
            assertNotNull(e);
            assertEquals("Lady", e.getName());
            assertEquals(2, e.getGroups().size());
            r.removeEntry(e);
            awaitTrue(() -> r.getEntry(jid("juliet")) == null, "removal pushed");
        } finally {
            c2.disconnect();
        }
    }

    @Test
    void aChatMessageArrivesWithTheSendersFullJid() throws Exception {
        XMPPTCPConnection tybalt = login("tybalt", "t");
        XMPPTCPConnection mercutio = login("mercutio", "m");
        try {
            StanzaCollector inbox = mercutio.createStanzaCollector(new StanzaTypeFilter(Message.class));
            tybalt.sendStanza(StanzaBuilder.buildMessage("x1").to(jid("mercutio")).ofType(Message.Type.chat)
                .setBody("a plague on both your houses").build());
            Message m = inbox.nextResult(10_000);
            assertNotNull(m, "no message arrived");
            assertEquals("a plague on both your houses", m.getBody());
            assertEquals("tybalt@chorus.test/t", m.getFrom().toString());
            inbox.cancel();
        } finally {
            tybalt.disconnect();
            mercutio.disconnect();
        }
    }

    @Test
    void aMessageToTheBareJidGoesToTheHighestPriorityResource() throws Exception {
        XMPPTCPConnection high = login("benvolio", "high");
        XMPPTCPConnection low = login("benvolio", "low");
        XMPPTCPConnection sender = login("tybalt", "s");
        try {
            high.sendStanza(StanzaBuilder.buildPresence().setPriority(10).build());
            low.sendStanza(StanzaBuilder.buildPresence().setPriority(1).build());
            StanzaCollector highInbox = high.createStanzaCollector(new StanzaTypeFilter(Message.class));
            StanzaCollector lowInbox = low.createStanzaCollector(new StanzaTypeFilter(Message.class));
            // An IQ to the own account travels the same path as presence: once answered, the
            // entity has seen the priorities.
            ServiceDiscoveryManager.getInstanceFor(high).discoverInfo(jid("benvolio"));
            ServiceDiscoveryManager.getInstanceFor(low).discoverInfo(jid("benvolio"));
            sender.sendStanza(StanzaBuilder.buildMessage("p1").to(jid("benvolio")).ofType(Message.Type.chat)
                .setBody("which of you?").build());
            assertNotNull(highInbox.nextResult(10_000), "the high-priority resource got nothing");
            assertNull(lowInbox.nextResult(500), "the low-priority resource got the message too");
            // A message to a full JID reaches exactly that resource.
            sender.sendStanza(StanzaBuilder.buildMessage("p2").to(JidCreate.entityFullFrom("benvolio@chorus.test/low"))
                .ofType(Message.Type.chat).setBody("you").build());
            assertEquals("you", ((Message) lowInbox.nextResult(10_000)).getBody());
        } finally {
            high.disconnect();
            low.disconnect();
            sender.disconnect();
        }
    }

    @Test
    void aMessageToAnAccountThatDoesNotExistComesBackAsServiceUnavailable() throws Exception {
        XMPPTCPConnection tybalt = login("tybalt", "e");
        try {
            BareJid ghost = JidCreate.entityBareFrom("ghost@chorus.test");
            StanzaCollector errors = tybalt.createStanzaCollector(new AndFilter(
                new StanzaTypeFilter(Message.class), FromMatchesFilter.createBare(ghost)));
            tybalt.sendStanza(StanzaBuilder.buildMessage("g1").to(ghost).ofType(Message.Type.chat).setBody("boo").build());
            Message err = errors.nextResult(10_000);
            assertNotNull(err);
            assertEquals(Message.Type.error, err.getType());
            assertEquals(StanzaError.Condition.service_unavailable, err.getError().getCondition());
        } finally {
            tybalt.disconnect();
        }
    }

    @Test
    void aMessageToAnotherDomainComesBackAsRemoteServerNotFound() throws Exception {
        XMPPTCPConnection tybalt = login("tybalt", "remote");
        try {
            BareJid far = JidCreate.entityBareFrom("someone@elsewhere.example");
            StanzaCollector errors = tybalt.createStanzaCollector(new AndFilter(
                new StanzaTypeFilter(Message.class), FromMatchesFilter.createBare(far)));
            tybalt.sendStanza(StanzaBuilder.buildMessage("f1").to(far).setBody("hello?").build());
            Message err = errors.nextResult(10_000);
            assertNotNull(err);
            assertEquals(StanzaError.Condition.remote_server_not_found, err.getError().getCondition());
        } finally {
            tybalt.disconnect();
        }
    }

    @Test
    void directedPresenceReachesANonContactAndItsEndFollowsOnDisconnect() throws Exception {
        XMPPTCPConnection mercutio = login("mercutio", "d1");
        XMPPTCPConnection tybalt = login("tybalt", "d2");
        try {
            StanzaCollector seen = tybalt.createStanzaCollector(new AndFilter(new StanzaTypeFilter(Presence.class),
                FromMatchesFilter.createFull(JidCreate.entityFullFrom("mercutio@chorus.test/d1"))));
            mercutio.sendStanza(StanzaBuilder.buildPresence().to(JidCreate.entityFullFrom("tybalt@chorus.test/d2")).build());
            Presence p = seen.nextResult(10_000);
            assertNotNull(p);
            assertTrue(p.isAvailable());
            mercutio.disconnect();
            Presence gone = seen.nextResult(10_000);
            assertNotNull(gone, "no unavailable after disconnect");
            assertEquals(Presence.Type.unavailable, gone.getType());
        } finally {
            mercutio.disconnect();
            tybalt.disconnect();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(check.ok(), what);
    }
}
