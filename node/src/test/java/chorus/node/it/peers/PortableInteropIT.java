package chorus.node.it.peers;

import chorus.node.cli.Chorusctl;
import chorus.node.it.Clients;
import chorus.node.it.TestNode;
import chorus.node.tls.TlsContexts;
import chorus.node.tls.TlsSettings;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
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
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

import org.slf4j.LoggerFactory;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0227 from real servers into Chorus: accounts on a private Prosody 0.12 and a private ejabberd 23.01 are filled
 * by Smack clients (a roster with a subscription both ways, a vCard, private XML, a PEP node, a blocked contact, an
 * offline message),
 * exported with the servers' own tools (Prosody's migrator to its XEP-0227 store, one file per account;
 * {@code ejabberdctl export_piefxis}, a main file that XIncludes a file per host), imported with
 * {@code chorusctl import} into a Chorus node serving the same domain, where the users log in with their old passwords
 * and find it all. Prosody hands over SCRAM-SHA-1 keys (its default); ejabberd plaintext passwords (its default
 * storage), which Chorus hashes without printing or logging them, or SCRAM-SHA-1 keys ({@code auth_password_format:
 * scram}). The exports stay in target/portable-interop/ for a look after the run.
 */
class PortableInteropIT {
    static final String NICK = "http://jabber.org/protocol/nick";
    /** An avatar's bytes (a PNG signature and some more: the servers keep them as they come). */
    static final byte[] AVATAR = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4, 5, 6, 7, 8};

    static EntityBareJid jid(PeerServer s, String local) throws Exception {
        return JidCreate.entityBareFrom(local + "@" + s.domain());
    }

    /** Fills the server's accounts through real clients. */
    static Instant fill(PeerWorld world, PeerServer s, boolean offline) throws Exception {
        for (String[] u : new String[][] {{"juliet", "balcony-pw"}, {"romeo", "orchard-pw"}, {"paris", "county-pw"}}) {
            s.register(u[0], u[1]);
        }
        XMPPTCPConnection juliet = world.login(s, "juliet", "balcony-pw", "balcony");
        XMPPTCPConnection romeo = world.login(s, "romeo", "orchard-pw", "orchard");
        try {
            Roster.getInstanceFor(juliet).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Roster.getInstanceFor(romeo).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            Roster.getInstanceFor(juliet).createItemAndRequestSubscription(jid(s, "romeo"), "Romeo",
                new String[] {"Montagues"});
            Roster.getInstanceFor(romeo).createItemAndRequestSubscription(jid(s, "juliet"), "Juliet", null);
            await(() -> {
                RosterEntry e = Roster.getInstanceFor(juliet).getEntry(jid(s, "romeo"));
                return e != null && e.getType() == RosterPacket.ItemType.both;
            }, "juliet and romeo subscribed to each other");
            VCard card = new VCard();
            card.setFirstName("Juliet");
            card.setLastName("Capulet");
            card.setAvatar(AVATAR, "image/png");
            VCardManager.getInstanceFor(juliet).saveVCard(card);
            DefaultPrivateData data = new DefaultPrivateData("prefs", "urn:example:prefs");
            data.setValue("nick", "Jules");
            PrivateDataManager.getInstanceFor(juliet).setPrivateData(data);
            PepManager.getInstanceFor(juliet).publish(NICK, new PayloadItem<>("current",
                new SimplePayload("<nick xmlns='" + NICK + "'>Jules</nick>")));
            BlockingCommandManager.getInstanceFor(juliet).blockContacts(List.of(jid(s, "tybalt")));
            Instant sent = Instant.now();
            if (offline) {
                romeo.sendStanza(StanzaBuilder.buildMessage("to-paris").to(jid(s, "paris")).ofType(Message.Type.chat)
                    .setBody("Wherefore art thou?").build());
                await(() -> s.hasOfflineMessages("paris"), "stored offline at " + s.domain());
            }
            return sent;
        } finally {
            juliet.disconnect();
            romeo.disconnect();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.ok()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            Thread.sleep(200);
        }
    }

    /** A client of the node serving {@code domain}, trusting the certificate the node made for that domain. */
    static XMPPTCPConnectionConfiguration.Builder config(TestNode chorus, String domain, String user, String password)
        throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TlsContexts.create(new TlsSettings(null, null, chorus.dataDir(), domain)).trustStore());
        return Clients.config(chorus, user, password).setXmppDomain(domain)
            .setCustomX509TrustManager((X509TrustManager) tmf.getTrustManagers()[0]);
    }

    static XMPPTCPConnection login(TestNode chorus, String domain, String user, String password, boolean plain)
        throws Exception {
        var config = config(chorus, domain, user, password).setResource("chorus");
        if (plain) {
            config.addEnabledSaslMechanism("PLAIN");
        }
        XMPPTCPConnection c = new XMPPTCPConnection(config.build());
        c.setReplyTimeout(10_000);
        c.connect().login();
        return c;
    }

    /** What the users find on Chorus after the import. */
    static void verify(TestNode chorus, PeerServer s) throws Exception {
        XMPPTCPConnection juliet = login(chorus, s.domain(), "juliet", "balcony-pw", false);
        try {
            Roster roster = Roster.getInstanceFor(juliet);
            await(roster::isLoaded, "roster loaded");
            RosterEntry romeo = roster.getEntry(jid(s, "romeo"));
            assertNotNull(romeo, "the roster was not carried");
            assertEquals(RosterPacket.ItemType.both, romeo.getType());
            assertEquals("Romeo", romeo.getName());
            assertEquals("Montagues", romeo.getGroups().get(0).getName());
            VCard card = VCardManager.getInstanceFor(juliet).loadVCard();
            assertEquals("Capulet", card.getLastName());
            assertEquals("Juliet", card.getFirstName());
            assertArrayEquals(AVATAR, card.getAvatar(), "the avatar was not carried");
            DefaultPrivateData data = (DefaultPrivateData) PrivateDataManager.getInstanceFor(juliet)
                .getPrivateData("prefs", "urn:example:prefs");
            assertEquals("Jules", data.getValue("nick"));
        } finally {
            juliet.disconnect();
        }
        // PLAIN too: checked against the keys there are.
        login(chorus, s.domain(), "romeo", "orchard-pw", true).disconnect();
    }

    record Result(int code, String out, String err) {
    }

    /** {@code chorusctl import DIR} against the node, as the admin runs it. */
    static Result importInto(TestNode chorus, Path dir) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Chorusctl.run(new String[] {"--data-dir=" + chorus.dataDir(),
            "--admin-port=" + chorus.node().settings().adminPort(), "import", dir.toString()},
            new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        Result r = new Result(code, out.toString(), err.toString());
        assertEquals(0, r.code(), r.err());
        System.out.println("chorusctl import:\n" + r.out());
        return r;
    }

    @Test
    void prosodysMigratorExportLogsInWithItsScramSha1KeysAndCarriesRosterVCardPrivateXmlAndPep() throws Exception {
        prosody(PeerWorld.options().withoutEjabberd().prosodyVCardTemp(), "prosody-vcard");
    }

    /** Prosody's default keeps a vCard as vcard4 and avatar PEP nodes (mod_vcard_legacy): Chorus makes it a vCard. */
    @Test
    void prosodysDefaultVCardsKeptInPepBecomeVCardsWithTheirAvatar() throws Exception {
        prosody(PeerWorld.options().withoutEjabberd(), "prosody");
    }

    static void prosody(PeerWorld.Options options, String name) throws Exception {
        Path dir = artifacts(name);
        try (PeerWorld world = PeerWorld.start(options)) {
            PeerServer prosody = world.prosody();
            fill(world, prosody, false);
            List<Path> files = prosody.exportPortable(dir);
            assertEquals(3, files.size(), "one file per account: " + files);
            String juliet = Files.readString(dir.resolve("juliet@" + prosody.domain() + ".xml"));
            assertTrue(juliet.contains("mechanism='SCRAM-SHA-1'") || juliet.contains("mechanism=\"SCRAM-SHA-1\""), juliet);
            assertTrue(!juliet.contains("balcony-pw"), "Prosody exported a password");
            try (TestNode chorus = TestNode.start(Map.of("chorus.domain", prosody.domain()))) {
                Result r = importInto(chorus, dir);
                assertTrue(r.out().contains("imported 3 account(s)"), r.out());
                assertTrue(r.out().contains("SCRAM-SHA-1 keys only"), r.out());
                assertTrue(!r.out().contains("refused") && !r.out().contains("not carried"), r.out());
                verify(chorus, prosody);
                XMPPTCPConnection c = login(chorus, prosody.domain(), "juliet", "balcony-pw", false);
                try {
                    List<Item> items = PubSubManager.getInstanceFor(c, jid(prosody, "juliet")).getLeafNode(NICK).getItems();
                    assertTrue(items.get(0).toXML().toString().contains("Jules"), "the PEP item was not carried");
                } finally {
                    c.disconnect();
                }
            }
        }
    }

    @Test
    void ejabberdsPiefxisExportOfPlaintextPasswordsIsHashedOnImportAndCarriesRosterVCardPrivateXmlAndOfflineMessages()
        throws Exception {
        Path dir = artifacts("ejabberd-plain");
        try (PeerWorld world = PeerWorld.start(PeerWorld.options().withoutProsody())) {
            PeerServer ejabberd = world.ejabberd();
            Instant sentAfter = fill(world, ejabberd, true).minusSeconds(1);
            Instant sentBefore = Instant.now().plusSeconds(1);
            Path main = exportEjabberd(ejabberd, dir);
            String hostFile = hostFile(dir);
            assertTrue(hostFile.contains("password='balcony-pw'") || hostFile.contains("password=\"balcony-pw\""),
                "ejabberd keeps passwords as they are by default: " + hostFile);
            try (TestNode chorus = TestNode.start(Map.of("chorus.domain", ejabberd.domain()))) {
                ListAppender<ILoggingEvent> logged = new ListAppender<>();
                logged.start();
                rootLogger().addAppender(logged);
                Result r;
                try {
                    r = importInto(chorus, main);
                } finally {
                    rootLogger().detachAppender(logged);
                }
                assertTrue(r.out().contains("imported 3 account(s)"), r.out());
                assertTrue(!r.out().contains("keys only") && !r.out().contains("refused") && !r.out().contains("not carried"),
                    r.out());
                for (String pw : List.of("balcony-pw", "orchard-pw", "county-pw")) {
                    assertTrue(!r.out().contains(pw) && !r.err().contains(pw), "chorusctl printed a password");
                    assertTrue(logged.list.stream().noneMatch(e -> e.getFormattedMessage().contains(pw)
                        || e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(pw)),
                        "a password was logged");
                }
                verify(chorus, ejabberd);
                assertBlocked(chorus, ejabberd);
                var config = config(chorus, ejabberd.domain(), "paris", "county-pw").setResource("p").setSendPresence(false);
                XMPPTCPConnection paris = new XMPPTCPConnection(config.build());
                paris.setReplyTimeout(10_000);
                paris.connect().login();
                try {
                    StanzaCollector inbox = paris.createStanzaCollector(new StanzaTypeFilter(Message.class));
                    paris.sendStanza(StanzaBuilder.buildPresence().ofType(Presence.Type.available).build());
                    Message m = inbox.nextResult(15_000);
                    assertNotNull(m, "the offline message was not carried");
                    assertEquals("Wherefore art thou?", m.getBody());
                    Instant stamp = m.getExtension(DelayInformation.class).getStamp().toInstant();
                    assertTrue(!stamp.isBefore(sentAfter) && !stamp.isAfter(sentBefore),
                        "the delay stamp " + stamp + " is not the original arrival");
                } finally {
                    paris.disconnect();
                }
            }
        }
    }

    @Test
    void ejabberdsPiefxisExportOfScramKeysLogsInWithThoseKeys() throws Exception {
        Path dir = artifacts("ejabberd-scram");
        try (PeerWorld world = PeerWorld.start(PeerWorld.options().withoutProsody().ejabberdScram())) {
            PeerServer ejabberd = world.ejabberd();
            fill(world, ejabberd, false);
            Path main = exportEjabberd(ejabberd, dir);
            String hostFile = hostFile(dir);
            assertTrue(hostFile.contains("SCRAM-SHA-1"), hostFile);
            assertTrue(!hostFile.contains("balcony-pw"), "ejabberd exported a password it keeps as SCRAM keys");
            try (TestNode chorus = TestNode.start(Map.of("chorus.domain", ejabberd.domain()))) {
                Result r = importInto(chorus, main);
                assertTrue(r.out().contains("imported 3 account(s)"), r.out());
                assertTrue(r.out().contains("SCRAM-SHA-1 keys only"), r.out());
                verify(chorus, ejabberd);
                assertBlocked(chorus, ejabberd);
            }
        }
    }

    /** ejabberd keeps juliet's block list as her default privacy list: on Chorus it is her block list. */
    static void assertBlocked(TestNode chorus, PeerServer ejabberd) throws Exception {
        XMPPTCPConnection juliet = login(chorus, ejabberd.domain(), "juliet", "balcony-pw", false);
        try {
            assertEquals(List.of(jid(ejabberd, "tybalt")), BlockingCommandManager.getInstanceFor(juliet).getBlockList());
        } finally {
            juliet.disconnect();
        }
    }

    /** ejabberd's export; the main file, which names the per-host file it includes. */
    static Path exportEjabberd(PeerServer ejabberd, Path dir) throws Exception {
        List<Path> files = ejabberd.exportPortable(dir);
        assertEquals(2, files.size(), "a main file and a host file: " + files);
        Path main = files.stream().filter(f -> !f.getFileName().toString().contains("_")).findFirst().orElseThrow();
        assertTrue(Files.readString(main).contains("include"), "the main file includes the host file");
        return main;
    }

    static String hostFile(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return Files.readString(files.filter(f -> f.getFileName().toString().contains("_")).findFirst().orElseThrow());
        }
    }

    static ch.qos.logback.classic.Logger rootLogger() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The export is kept for a look after the run: target/portable-interop/PEER (emptied first). */
    static Path artifacts(String peer) throws Exception {
        Path dir = Path.of("target", "portable-interop", peer).toAbsolutePath();
        if (Files.exists(dir)) {
            deleteTree(dir);
        }
        return Files.createDirectories(dir);
    }

    static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
