package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0227 between two real Chorus nodes: accounts made and filled by real clients (a roster with a subscription both
 * ways and a request not answered yet, a vCard, private XML, a block list, a PEP node, an offline message) are
 * exported with chorusctl, imported with chorusctl into an empty node, and there the users log in with their old
 * passwords and find all of it; the second node's export is the first one's, byte for byte.
 */
class PortableIT {
    static final String NICK = "http://jabber.org/protocol/nick";
    static Path dir;
    static Path exported;
    static Instant sentAfter;
    static Instant sentBefore;

    @BeforeAll
    static void fillAndExport() throws Exception {
        dir = Files.createTempDirectory("chorus-portable");
        exported = dir.resolve("chorus.xml");
        try (TestNode a = TestNode.start()) {
            a.createUser("juliet", "balcony-pw");
            a.createUser("romeo", "orchard-pw");
            a.createUser("nurse", "errands-pw");
            a.createUser("tybalt", "prince-of-cats");
            a.createUser("paris", "county-pw");
            fill(a);
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(a.dataDir(), a.node().settings().adminPort(), "export",
                exported.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("exported 5 account(s)"), r.out());
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    static BareJid jid(String local) throws Exception {
        return JidCreate.bareFrom(local + "@" + TestNode.DOMAIN);
    }

    static void fill(TestNode a) throws Exception {
        XMPPTCPConnection juliet = Clients.login(a, "juliet", "balcony-pw", "balcony");
        XMPPTCPConnection romeo = Clients.login(a, "romeo", "orchard-pw", "orchard");
        try {
            Roster.getInstanceFor(juliet).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Roster.getInstanceFor(romeo).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Roster.getInstanceFor(juliet).createItemAndRequestSubscription(jid("romeo").asEntityBareJidIfPossible(),
                "Romeo", new String[] {"Montagues"});
            Roster.getInstanceFor(romeo).createItemAndRequestSubscription(jid("juliet").asEntityBareJidIfPossible(),
                "Juliet", null);
            MessagingIT.awaitTrue(() -> type(juliet, "romeo") == RosterPacket.ItemType.both, "juliet and romeo subscribed");
            // A request Juliet does not answer.
            Roster.getInstanceFor(juliet).setSubscriptionMode(Roster.SubscriptionMode.manual);
            XMPPTCPConnection nurse = Clients.login(a, "nurse", "errands-pw", "errands");
            nurse.sendStanza(StanzaBuilder.buildPresence().ofType(org.jivesoftware.smack.packet.Presence.Type.subscribe)
                .to(jid("juliet")).build());
            nurse.disconnect();

            VCard card = new VCard();
            card.setFirstName("Juliet");
            card.setLastName("Capulet");
            VCardManager.getInstanceFor(juliet).saveVCard(card);
            DefaultPrivateData data = new DefaultPrivateData("prefs", "urn:example:prefs");
            data.setValue("nick", "Jules");
            PrivateDataManager.getInstanceFor(juliet).setPrivateData(data);
            BlockingCommandManager.getInstanceFor(juliet).blockContacts(List.<Jid>of(jid("tybalt")));
            PepManager.getInstanceFor(juliet).publish(NICK, new PayloadItem<>("current",
                new SimplePayload("<nick xmlns='" + NICK + "'>Jules</nick>")));

            sentAfter = Instant.now().minusSeconds(1);
            romeo.sendStanza(StanzaBuilder.buildMessage("to-paris").to(jid("paris")).ofType(Message.Type.chat)
                .setBody("Wherefore art thou?").build());
            try (CqlSession cql = StorageIT.session(a)) {
                MessagingIT.awaitTrue(() -> MailboxPrivacyIT.rowsWith(cql, a.keyspace(), "Wherefore art thou?") == 1,
                    "stored offline");
            }
            sentBefore = Instant.now().plusSeconds(1);
        } finally {
            juliet.disconnect();
            romeo.disconnect();
        }
    }

    static RosterPacket.ItemType type(XMPPTCPConnection c, String contact) throws Exception {
        RosterEntry e = Roster.getInstanceFor(c).getEntry(jid(contact).asEntityBareJidIfPossible());
        return e == null ? null : e.getType();
    }

    @Test
    void theExportHoldsKeysNotPasswordsAndOnlyItsOwnerReadsIt() throws Exception {
        String doc = Files.readString(exported);
        assertTrue(doc.startsWith("<?xml"));
        assertTrue(doc.contains("<server-data xmlns='urn:xmpp:pie:0'>"));
        assertTrue(doc.contains("mechanism=\"SCRAM-SHA-256\""));
        for (String pw : List.of("balcony-pw", "orchard-pw", "errands-pw", "prince-of-cats", "county-pw")) {
            assertFalse(doc.contains(pw), "a password in the export");
        }
        assertFalse(doc.contains(" password="));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(exported)));
    }

    @Test
    void anEmptyNodeTakesTheExportAndItsUsersFindEverythingWithTheirOldPasswords() throws Exception {
        try (TestNode b = TestNode.start()) {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(b.dataDir(), b.node().settings().adminPort(), "import",
                exported.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("5 imported"), r.out());
            assertTrue(r.out().contains("1 offline message(s)"), r.out());

            XMPPTCPConnection juliet = Clients.login(b, "juliet", "balcony-pw", "again");
            try {
                Roster roster = Roster.getInstanceFor(juliet);
                MessagingIT.awaitTrue(roster::isLoaded, "roster loaded");
                RosterEntry romeo = roster.getEntry(jid("romeo").asEntityBareJidIfPossible());
                assertNotNull(romeo, "roster lost");
                assertEquals(RosterPacket.ItemType.both, romeo.getType());
                assertEquals("Romeo", romeo.getName());
                assertEquals("Montagues", romeo.getGroups().get(0).getName());
                assertEquals("Capulet", VCardManager.getInstanceFor(juliet).loadVCard().getLastName());
                DefaultPrivateData data = (DefaultPrivateData) PrivateDataManager.getInstanceFor(juliet)
                    .getPrivateData("prefs", "urn:example:prefs");
                assertEquals("Jules", data.getValue("nick"));
                assertEquals(List.of(jid("tybalt")), BlockingCommandManager.getInstanceFor(juliet).getBlockList());
                List<Item> items = PubSubManager.getInstanceFor(juliet, jid("juliet")).getLeafNode(NICK).getItems();
                assertEquals("current", items.get(0).getId());
                assertTrue(items.get(0).toXML().toString().contains("Jules"));
            } finally {
                juliet.disconnect();
            }
            // The request Juliet had not answered: it comes again at her next login, as RFC 6121 §3.1.3 says.
            XMPPTCPConnection paris = new XMPPTCPConnection(Clients.config(b, "paris", "county-pw")
                .setResource("p").setSendPresence(false).build());
            paris.setReplyTimeout(10_000);
            paris.connect().login();
            try {
                StanzaCollector inbox = paris.createStanzaCollector(new StanzaTypeFilter(Message.class));
                paris.sendStanza(StanzaBuilder.buildPresence().build());
                Message m = inbox.nextResult(15_000);
                assertNotNull(m, "the offline message did not arrive after the import");
                assertEquals("Wherefore art thou?", m.getBody());
                Instant stamp = m.getExtension(DelayInformation.class).getStamp().toInstant();
                assertTrue(!stamp.isBefore(sentAfter) && !stamp.isAfter(sentBefore),
                    "the delay stamp " + stamp + " is not the original arrival");
            } finally {
                paris.disconnect();
            }

            // Imported again, nothing changes: every account exists.
            ChorusctlIT.Result again = ChorusctlIT.ctlAt(b.dataDir(), b.node().settings().adminPort(), "import",
                exported.toString());
            assertTrue(again.out().contains("0 imported, 5 existed already"), again.out());
        }
    }

    @Test
    void theImportedNodesExportIsTheOriginalOneByteForByte() throws Exception {
        try (TestNode b = TestNode.start()) {
            assertEquals(0, ChorusctlIT.ctlAt(b.dataDir(), b.node().settings().adminPort(), "import",
                exported.toString()).code());
            Path again = dir.resolve("again.xml");
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(b.dataDir(), b.node().settings().adminPort(), "export",
                again.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(Files.readString(exported), Files.readString(again));
            ChorusctlIT.Result exists = ChorusctlIT.ctlAt(b.dataDir(), b.node().settings().adminPort(), "export",
                again.toString());
            assertEquals(1, exists.code());
            assertTrue(exists.err().contains("--force"), exists.err());
        }
    }
}
