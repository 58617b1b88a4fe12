package chorus.node.it;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqlast.packet.LastActivity;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.iqprivate.packet.PrivateData;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user does with the account itself, with a real client: in-band registration (and its admin
 * notice), password change, removal, vCard, private XML, blocking, last activity.
 */
class AccountsIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of(
            "chorus.registration.enabled", true,
            "chorus.registration.per-address", 3,
            "chorus.admins", List.of("root@chorus.test")));
        node.createUser("root", "toor");
        for (String u : new String[] {"viola", "orsino", "olivia", "malvolio", "feste", "toby", "andrew"}) {
            node.createUser(u, "pw-" + u);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static XMPPTCPConnection login(String user, String resource) throws Exception {
        return Clients.login(node, user, "pw-" + user, resource);
    }

    static Jid jid(String local) throws Exception {
        return JidCreate.entityBareFrom(local + "@chorus.test");
    }

    @Test
    void aNewAccountRegisteredInBandCanLogInAndTheAdminHearsOfItWithTheAddress() throws Exception {
        // The admin reads the raw XML of the notice.
        try (RawClient root = RawClient.connect(node.c2sPort())) {
            root.bind(TestNode.DOMAIN, Clients.trusting(node), "root", "toor", "console");
            root.send("<presence/>");
            root.send("<iq type='get' id='d1' to='root@chorus.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
            root.await("id=\"d1\"", java.time.Duration.ofSeconds(5));
            XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "sebastian", "twin").build());
            try {
                c.connect();
                AccountManager am = AccountManager.getInstance(c);
                assertTrue(am.supportsAccountCreation());
                am.createAccount(Localpart.from("sebastian"), "twin");
            } finally {
                c.disconnect();
            }
            String notice = root.await("</message>", java.time.Duration.ofSeconds(10));
            assertTrue(notice.contains("from=\"chorus.test\"") && notice.contains("sebastian@chorus.test")
                && notice.contains("127.0.0.1"), notice);
            assertTrue(notice.contains("<no-store xmlns=\"urn:xmpp:hints\"/>"), "the notice must never be stored: " + notice);
            Clients.login(node, "sebastian", "twin", "x").disconnect();
        }
    }

    @Test
    void aTakenNameIsAConflictAndAnInvalidOneIsRefused() throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "x", "y").build());
        try {
            c.connect();
            XMPPException.XMPPErrorException taken = assertThrows(XMPPException.XMPPErrorException.class,
                () -> AccountManager.getInstance(c).createAccount(Localpart.from("viola"), "other"));
            assertEquals(StanzaError.Condition.conflict, taken.getStanzaError().getCondition());
        } finally {
            c.disconnect();
        }
        // viola's password is untouched
        login("viola", "check").disconnect();
    }

    @Test
    void registrationIsRateLimitedPerAddress() throws Exception {
        // The limit is 3 per window and the other tests of this class use some of it: keep registering
        // until the limit answers, and check that it does within the allowance.
        StanzaError.Condition last = null;
        for (int i = 0; i < 4 && last == null; i++) {
            XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "x", "y").build());
            try {
                c.connect();
                AccountManager.getInstance(c).createAccount(Localpart.from("burst" + i), "pw");
            } catch (XMPPException.XMPPErrorException e) {
                last = e.getStanzaError().getCondition();
            } finally {
                c.disconnect();
            }
        }
        assertEquals(StanzaError.Condition.policy_violation, last);
    }

    @Test
    void afterAPasswordChangeTheOldPasswordFailsAtOnceAndOtherSessionsStay() throws Exception {
        XMPPTCPConnection first = login("orsino", "one");
        XMPPTCPConnection second = login("orsino", "two");
        try {
            AccountManager.getInstance(first).changePassword("music-be-the-food");
            XMPPTCPConnection old = new XMPPTCPConnection(Clients.config(node, "orsino", "pw-orsino").build());
            old.connect();
            assertThrows(SASLErrorException.class, old::login);
            old.disconnect();
            Clients.login(node, "orsino", "music-be-the-food", "three").disconnect();
            assertTrue(second.isAuthenticated(), "another session of the user was closed");
        } finally {
            first.disconnect();
            second.disconnect();
        }
    }

    @Test
    void removingTheAccountEndsItsSessionsUnsubscribesItsContactsAndFreesTheName() throws Exception {
        node.createUser("antonio", "sea");
        XMPPTCPConnection antonio = Clients.login(node, "antonio", "sea", "ship");
        XMPPTCPConnection feste = login("feste", "fool");
        Roster ar = Roster.getInstanceFor(antonio);
        Roster fr = Roster.getInstanceFor(feste);
        ar.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        fr.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        ar.createItemAndRequestSubscription(JidCreate.entityBareFrom("feste@chorus.test"), "Feste", null);
        fr.createItemAndRequestSubscription(JidCreate.entityBareFrom("antonio@chorus.test"), "Antonio", null);
        MessagingIT.awaitTrue(() -> {
            RosterEntry e = fr.getEntry(JidCreate.entityBareFrom("antonio@chorus.test"));
            return e != null && e.getType() == RosterPacket.ItemType.both;
        }, "feste and antonio are mutual contacts");

        XMPPTCPConnection other = Clients.login(node, "antonio", "sea", "boat");
        AccountManager.getInstance(antonio).deleteAccount();
        MessagingIT.awaitTrue(() -> !other.isConnected(), "antonio's other session was closed");
        MessagingIT.awaitTrue(() -> {
            RosterEntry e = fr.getEntry(JidCreate.entityBareFrom("antonio@chorus.test"));
            return e != null && e.getType() == RosterPacket.ItemType.none;
        }, "feste's subscription with antonio ended");
        feste.disconnect();
        antonio.disconnect();

        XMPPTCPConnection gone = new XMPPTCPConnection(Clients.config(node, "antonio", "sea").build());
        gone.connect();
        assertThrows(SASLErrorException.class, gone::login);
        gone.disconnect();
        try (var cql = StorageIT.session(node)) {
            assertEquals(0, StorageIT.ownedRowsOf(cql, node.keyspace(), "antonio@chorus.test"), "antonio's data remains");
        }
        node.createUser("antonio", "new");
        XMPPTCPConnection fresh = Clients.login(node, "antonio", "new", "x");
        try {
            Roster r = Roster.getInstanceFor(fresh);
            MessagingIT.awaitTrue(r::isLoaded, "roster loaded");
            assertTrue(r.getEntries().isEmpty());
            assertNull(VCardManager.getInstanceFor(fresh).loadVCard().getFirstName());
        } finally {
            fresh.disconnect();
        }
    }

    @Test
    void aVCardIsSetByItsOwnerAndReadByAnyone() throws Exception {
        XMPPTCPConnection olivia = login("olivia", "v");
        XMPPTCPConnection toby = login("toby", "v");
        try {
            VCard card = new VCard();
            card.setFirstName("Olivia");
            card.setNickName("Countess");
            VCardManager.getInstanceFor(olivia).saveVCard(card);
            assertEquals("Olivia", VCardManager.getInstanceFor(olivia).loadVCard().getFirstName());
            assertEquals("Countess", VCardManager.getInstanceFor(toby).loadVCard(JidCreate.entityBareFrom("olivia@chorus.test"))
                .getNickName());
            VCard huge = new VCard();
            huge.setFirstName("x".repeat(70_000));
            XMPPException.XMPPErrorException tooBig = assertThrows(XMPPException.XMPPErrorException.class,
                () -> VCardManager.getInstanceFor(olivia).saveVCard(huge));
            assertEquals(StanzaError.Condition.not_acceptable, tooBig.getStanzaError().getCondition());
        } finally {
            olivia.disconnect();
            toby.disconnect();
        }
    }

    @Test
    void privateXmlIsTheOwnersAloneAndReservedNamespacesAreRefused() throws Exception {
        XMPPTCPConnection malvolio = login("malvolio", "p");
        try {
            PrivateDataManager pdm = PrivateDataManager.getInstanceFor(malvolio);
            DefaultPrivateData data = new DefaultPrivateData("letter", "urn:example:letters");
            data.setValue("from", "M.O.A.I.");
            pdm.setPrivateData(data);
            PrivateData back = pdm.getPrivateData("letter", "urn:example:letters");
            assertEquals("M.O.A.I.", ((DefaultPrivateData) back).getValue("from"));
            XMPPException.XMPPErrorException reserved = assertThrows(XMPPException.XMPPErrorException.class,
                () -> pdm.setPrivateData(new DefaultPrivateData("query", "jabber:iq:roster")));
            assertEquals(StanzaError.Condition.not_acceptable, reserved.getStanzaError().getCondition());
        } finally {
            malvolio.disconnect();
        }
        // Another user asking for malvolio's private data by addressing his account gets nothing.
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.bind(TestNode.DOMAIN, Clients.trusting(node), "toby", "pw-toby", "peek");
            raw.send("<iq type='get' id='p1' to='malvolio@chorus.test'><query xmlns='jabber:iq:private'>"
                + "<letter xmlns='urn:example:letters'/></query></iq>");
            String reply = raw.await("</iq>", java.time.Duration.ofSeconds(5));
            assertTrue(reply.contains("type=\"error\"") && !reply.contains("M.O.A.I."), reply);
        }
    }

    @Test
    void aBlockedContactsMessagesBounceAndItSeesNoPresence() throws Exception {
        XMPPTCPConnection viola = login("viola", "block");
        XMPPTCPConnection viola2 = login("viola", "block2");
        XMPPTCPConnection andrew = login("andrew", "knight");
        try {
            BlockingCommandManager bcm = BlockingCommandManager.getInstanceFor(viola);
            assertTrue(bcm.isSupportedByServer());
            BlockingCommandManager.getInstanceFor(viola2).getBlockList();
            bcm.blockContacts(List.of(jid("andrew")));
            MessagingIT.awaitTrue(() -> BlockingCommandManager.getInstanceFor(viola2).getBlockList().contains(jid("andrew")),
                "the other resource got the push");

            StanzaCollector errors = andrew.createStanzaCollector(new AndFilter(new StanzaTypeFilter(Message.class),
                FromMatchesFilter.createBare(jid("viola"))));
            andrew.sendStanza(StanzaBuilder.buildMessage("b1").to(jid("viola")).ofType(Message.Type.chat)
                .setBody("let me in").build());
            Message err = errors.nextResult(10_000);
            assertNotNull(err);
            assertEquals(StanzaError.Condition.service_unavailable, err.getError().getCondition());

            // viola cannot write to andrew either: the server refuses it on her side
            StanzaCollector refused = viola.createStanzaCollector(new StanzaTypeFilter(Message.class));
            viola.sendStanza(StanzaBuilder.buildMessage("b2").to(jid("andrew")).ofType(Message.Type.chat)
                .setBody("go away").build());
            Message r = refused.nextResult(10_000);
            assertNotNull(r);
            assertEquals(StanzaError.Condition.not_acceptable, r.getError().getCondition());

            bcm.unblockAll();
            assertTrue(bcm.getBlockList().isEmpty());
        } finally {
            viola.disconnect();
            viola2.disconnect();
            andrew.disconnect();
        }
    }

    @Test
    void lastActivityIsForContactsOnly() throws Exception {
        XMPPTCPConnection viola = login("viola", "last");
        XMPPTCPConnection orsino = Clients.login(node, "orsino", currentOrsinoPassword(), "l");
        try {
            LastActivity uptime = LastActivityManager.getInstanceFor(viola).getLastActivity(JidCreate.domainBareFrom("chorus.test"));
            assertTrue(uptime.getIdleTime() >= 0);
            XMPPException.XMPPErrorException stranger = assertThrows(XMPPException.XMPPErrorException.class,
                () -> LastActivityManager.getInstanceFor(viola).getLastActivity(jid("olivia")));
            assertEquals(StanzaError.Condition.forbidden, stranger.getStanzaError().getCondition());
        } finally {
            viola.disconnect();
            orsino.disconnect();
        }
    }

    /** orsino's password depends on whether the password-change test ran first. */
    static String currentOrsinoPassword() throws Exception {
        XMPPTCPConnection probe = new XMPPTCPConnection(Clients.config(node, "orsino", "pw-orsino").build());
        try {
            probe.connect().login();
            return "pw-orsino";
        } catch (SASLErrorException changed) {
            return "music-be-the-food";
        } finally {
            probe.disconnect();
        }
    }

    /** The XEP-0060 §10 features of the accounts' PEP. */
    static final List<String> PEP_FEATURES = List.of("access-open", "access-presence", "access-whitelist",
        "auto-create", "auto-subscribe", "config-node", "create-nodes", "delete-nodes", "filtered-notifications",
        "item-ids", "last-published", "multi-items", "persistent-items", "presence-notifications", "publish",
        "publish-options", "purge-nodes", "retract-items", "retrieve-items");

    @Test
    void theServerAdvertisesExactlyWhatItSupports() throws Exception {
        XMPPTCPConnection c = login("toby", "disco");
        try {
            DiscoverInfo server = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.domainBareFrom("chorus.test"));
            TreeSet<String> features = new TreeSet<>();
            server.getFeatures().forEach(f -> features.add(f.getVar()));
            TreeSet<String> serverExpected = new TreeSet<>(List.of(
                "http://jabber.org/protocol/commands", // XEP-0050, for XEP-0133 (the list shows only what one may run)
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "jabber:iq:last", "jabber:iq:private", "jabber:iq:register", "jabber:iq:version",
                "msgoffline", "urn:xmpp:blocking", "urn:xmpp:carbons:2", "urn:xmpp:carbons:rules:0",
                "urn:xmpp:ping", "urn:xmpp:time", "vcard-temp"));
            // The accounts' PEP, shown on the server too (with the identity pubsub/pep) where OMEMO and OX look.
            serverExpected.add("http://jabber.org/protocol/pubsub");
            for (String pubsub : PEP_FEATURES) {
                serverExpected.add("http://jabber.org/protocol/pubsub#" + pubsub);
            }
            assertEquals(serverExpected, features);
            assertTrue(server.hasIdentity("pubsub", "pep"));
            DiscoverInfo own = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(jid("toby"));
            TreeSet<String> accountFeatures = new TreeSet<>();
            own.getFeatures().forEach(f -> accountFeatures.add(f.getVar()));
            TreeSet<String> expected = new TreeSet<>(List.of(
                "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/pubsub", "jabber:iq:last", "jabber:iq:private", "urn:xmpp:mam:2",
                "urn:xmpp:bookmarks:1#compat", "urn:xmpp:pep-vcard-conversion:0", "urn:xmpp:ping", "urn:xmpp:push:0",
                "vcard-temp"));
            for (String pubsub : PEP_FEATURES) {
                expected.add("http://jabber.org/protocol/pubsub#" + pubsub);
            }
            assertEquals(expected, accountFeatures);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void withRegistrationOffTheServerRefusesItAndDoesNotOfferIt() throws Exception {
        try (TestNode closed = TestNode.start()) {
            try (RawClient raw = RawClient.connect(closed.c2sPort())) {
                raw.startTls(TestNode.DOMAIN, Clients.trusting(closed));
                raw.send(RawClient.header(TestNode.DOMAIN));
                String features = raw.await("</stream:features>", java.time.Duration.ofSeconds(5));
                assertFalse(features.contains("iq-register"), features);
                raw.send("<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>eve</username>"
                    + "<password>pw</password></query></iq>");
                String reply = raw.await("</iq>", java.time.Duration.ofSeconds(5));
                assertTrue(reply.contains("<service-unavailable") && !reply.contains("<password>"), reply);
            }
        }
    }
}
