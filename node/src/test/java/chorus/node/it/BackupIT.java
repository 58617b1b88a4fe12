package chorus.node.it;

import chorus.persistence.backup.Backup;
import chorus.persistence.backup.BackupKey;
import chorus.persistence.backup.KeyspaceRestore;
import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.Schema;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chorusctl backup against a real node's keyspace: the backup holds no plaintext, a restore into an empty
 * keyspace gives a real client its password, roster, vCard, private XML and offline message (with its
 * original time) back, and a changed, cut or wrongly keyed file is refused before anything is written.
 */
class BackupIT {
    static final String MARK = UUID.randomUUID().toString().substring(0, 8);
    static final String BODY = "body-marker-" + MARK + " the ides of march";
    static final String VCARD = "vcard-marker-" + MARK;
    static final String PRIVATE = "private-marker-" + MARK;

    static Path dir;
    static Path keyFile;
    static Path backup;
    static String source;
    static Instant sentAfter;
    static Instant sentBefore;

    static ChorusctlIT.Result ctl(String... args) {
        return ChorusctlIT.ctlAt(dir, 1, args);
    }

    static String cassandra() {
        return "--contact-points=127.0.0.1:" + TestCassandra.cqlPort();
    }

    @BeforeAll
    static void makeDataAndBackUp() throws Exception {
        dir = Files.createTempDirectory("chorus-backup");
        keyFile = dir.resolve("backup.key");
        assertEquals(0, ctl("backup", "keygen", keyFile.toString()).code());
        try (TestNode node = TestNode.start()) {
            source = node.keyspace();
            node.createUser("brutus", "et-tu-" + MARK);
            node.createUser("cassius", "lean-and-hungry");
            node.createUser("portia", "constant-" + MARK);
            XMPPTCPConnection brutus = Clients.login(node, "brutus", "et-tu-" + MARK, "forum");
            try {
                Roster.getInstanceFor(brutus).createItem(JidCreate.entityBareFrom("cassius@" + TestNode.DOMAIN), "Cassius", null);
                VCard card = new VCard();
                card.setNickName(VCARD);
                VCardManager.getInstanceFor(brutus).saveVCard(card);
                DefaultPrivateData data = new DefaultPrivateData("letter", "urn:example:letters");
                data.setValue("text", PRIVATE);
                PrivateDataManager.getInstanceFor(brutus).setPrivateData(data);
                sentAfter = Instant.now().minusSeconds(1);
                brutus.sendStanza(StanzaBuilder.buildMessage("m1").to(JidCreate.entityBareFrom("portia@" + TestNode.DOMAIN))
                    .ofType(Message.Type.chat).setBody(BODY).build());
                try (CqlSession cql = StorageIT.session(node)) {
                    MessagingIT.awaitTrue(() -> MailboxPrivacyIT.rowsWith(cql, node.keyspace(), BODY) == 1, "stored offline");
                }
                sentBefore = Instant.now().plusSeconds(1);
            } finally {
                brutus.disconnect();
            }
            // Made while the node runs.
            backup = dir.resolve("chorus.backup");
            ChorusctlIT.Result r = ctl("backup", "create", backup.toString(), "--key-file=" + keyFile, cassandra(),
                "--keyspace=" + source);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("backed up keyspace " + source), r.out());
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static boolean contains(byte[] hay, String marker) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void nothingOnDiskHoldsThePlaintext() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertEquals(List.of("backup.key", "chorus.backup"), all.stream().map(p -> p.getFileName().toString()).sorted().toList(),
                "the backup left other files behind");
            for (Path p : all) {
                byte[] bytes = Files.readAllBytes(p);
                for (String m : List.of(BODY, VCARD, PRIVATE, MARK, "brutus", "cassius")) {
                    assertFalse(contains(bytes, m), p + " holds '" + m + "'");
                }
            }
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
    }

    @Test
    void aRestoredKeyspaceGivesUsersTheirDataBack() throws Exception {
        String target = TestCassandra.newKeyspace();
        ChorusctlIT.Result r = ctl("backup", "restore", backup.toString(), "--key-file=" + keyFile, cassandra(),
            "--keyspace=" + target);
        assertEquals(0, r.code(), r.err());
        // A second restore into the same keyspace is refused: restores go into an empty one.
        ChorusctlIT.Result again = ctl("backup", "restore", backup.toString(), "--key-file=" + keyFile, cassandra(),
            "--keyspace=" + target);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("not empty"), again.err());

        try (TestNode restored = TestNode.start(Map.of("chorus.cassandra.keyspace", target))) {
            try (CqlSession cql = StorageIT.session(restored)) {
                Row ttl = cql.execute("SELECT TTL(event) FROM " + target + ".mailbox_messages WHERE persistence_id = "
                    + "'Mailbox|portia@" + TestNode.DOMAIN + "' AND partition_nr = 0").one();
                assertNotNull(ttl, "the offline message was not restored");
                long left = ttl.getInt(0);
                long shouldBe = Duration.ofHours(72).minus(Duration.between(sentAfter, Instant.now())).toSeconds();
                assertTrue(Math.abs(left - shouldBe) < 120, "the restored row expires in " + left + " s, not ~" + shouldBe);
            }
            XMPPTCPConnection brutus = Clients.login(restored, "brutus", "et-tu-" + MARK, "again");
            try {
                Roster roster = Roster.getInstanceFor(brutus);
                MessagingIT.awaitTrue(roster::isLoaded, "roster loaded");
                assertNotNull(roster.getEntry(JidCreate.entityBareFrom("cassius@" + TestNode.DOMAIN)), "roster lost");
                assertEquals(VCARD, VCardManager.getInstanceFor(brutus).loadVCard().getNickName());
                DefaultPrivateData data = (DefaultPrivateData) PrivateDataManager.getInstanceFor(brutus)
                    .getPrivateData("letter", "urn:example:letters");
                assertEquals(PRIVATE, data.getValue("text"));
            } finally {
                brutus.disconnect();
            }
            XMPPTCPConnection portia = new XMPPTCPConnection(Clients.config(restored, "portia", "constant-" + MARK)
                .setResource("p").setSendPresence(false).build());
            portia.setReplyTimeout(10_000);
            portia.connect().login();
            try {
                StanzaCollector inbox = portia.createStanzaCollector(new StanzaTypeFilter(Message.class));
                portia.sendStanza(StanzaBuilder.buildPresence().build());
                Message m = inbox.nextResult(15_000);
                assertNotNull(m, "the offline message did not arrive after the restore");
                assertEquals(BODY, m.getBody());
                Date stamp = m.getExtension(DelayInformation.class).getStamp();
                assertTrue(!stamp.toInstant().isBefore(sentAfter) && !stamp.toInstant().isAfter(sentBefore),
                    "the delay stamp " + stamp.toInstant() + " is not the original arrival");
            } finally {
                portia.disconnect();
            }
        }
    }

    @Test
    void aChangedCutOrWronglyKeyedBackupIsRefusedBeforeAnythingIsWritten() throws Exception {
        byte[] good = Files.readAllBytes(backup);
        Path bad = dir.resolve("bad.backup");
        Path otherKey = dir.resolve("other.key");
        try {
            String target = TestCassandra.newKeyspace();
            byte[] changed = good.clone();
            changed[good.length / 2] ^= 0x10;
            Files.write(bad, changed);
            ChorusctlIT.Result r = ctl("backup", "restore", bad.toString(), "--key-file=" + keyFile, cassandra(),
                "--keyspace=" + target);
            assertEquals(1, r.code());
            assertTrue(r.err().contains("fails authentication"), r.err());

            Files.write(bad, Arrays.copyOf(good, good.length - 40));
            r = ctl("backup", "restore", bad.toString(), "--key-file=" + keyFile, cassandra(), "--keyspace=" + target);
            assertEquals(1, r.code());
            assertTrue(r.err().contains("refused"), r.err());

            assertEquals(0, ctl("backup", "keygen", otherKey.toString()).code());
            r = ctl("backup", "restore", backup.toString(), "--key-file=" + otherKey, cassandra(), "--keyspace=" + target);
            assertEquals(1, r.code());
            assertTrue(r.err().contains("wrong key"), r.err());

            try (CqlSession cql = CassandraSessions.open(CassandraSettings.from(com.typesafe.config.ConfigFactory.load())
                .withContactPoints(List.of(new java.net.InetSocketAddress("127.0.0.1", TestCassandra.cqlPort()))),
                com.typesafe.config.ConfigFactory.load())) {
                assertTrue(cql.getMetadata().getKeyspace(target).isEmpty(), "a refused restore created keyspace " + target);
            }
        } finally {
            Files.deleteIfExists(bad);
            Files.deleteIfExists(otherKey);
        }
    }

    @Test
    void anOfflineMessagePastItsTimeIsNotRestored() throws Exception {
        String target = TestCassandra.newKeyspace();
        CassandraSettings settings = CassandraSettings.from(com.typesafe.config.ConfigFactory.load())
            .withContactPoints(List.of(new java.net.InetSocketAddress("127.0.0.1", TestCassandra.cqlPort())))
            .withKeyspace(target);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(73)), ZoneOffset.UTC);
        try (CqlSession cql = CassandraSessions.open(settings, com.typesafe.config.ConfigFactory.load());
             InputStream in = Files.newInputStream(backup)) {
            Schema.of(settings).apply(cql);
            Backup.Summary s = Backup.restore(in, BackupKey.readKeyFile(keyFile), new KeyspaceRestore(cql, target, later));
            assertEquals(1, s.expired(), "the message stored 73 h before was restored");
            assertEquals(0, cql.execute("SELECT * FROM " + target + ".mailbox_messages").all().size());
            assertEquals(3, cql.execute("SELECT * FROM " + target + ".accounts").all().size(), "the accounts are restored");
        }
    }
}
