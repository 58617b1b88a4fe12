package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Localpart;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notice of an in-band registration (the one message that names a client's address) reaches an admin
 * who was offline when they log in, within chorus.registration.notice-retention; after that it is gone from
 * Cassandra. It is stored nowhere else: not in the mailbox's journal, not in an archive, not in diagnostics.
 */
class RegistrationNoticeIT {
    static final String RETENTION = "20s";
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of(
            "chorus.registration.enabled", true,
            "chorus.registration.per-address", 10,
            "chorus.registration.notice-retention", RETENTION,
            "chorus.admins", List.of("warden@chorus.test")));
        node.createUser("warden", "pw-warden");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static void register(String user) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, user, "pw").build());
        try {
            c.connect();
            AccountManager.getInstance(c).createAccount(Localpart.from(user), "pw");
        } finally {
            c.disconnect();
        }
    }

    /** The admin logs in (archiving everything, so an archived notice would show) and collects what waited. */
    static List<Message> adminLogsIn() throws Exception {
        XMPPTCPConnection admin = new XMPPTCPConnection(Clients.config(node, "warden", "pw-warden").setResource("desk")
            .setSendPresence(false).build());
        admin.setReplyTimeout(10_000);
        admin.connect().login();
        StanzaCollector inbox = admin.createStanzaCollector(new StanzaTypeFilter(Message.class));
        admin.sendStanza(StanzaBuilder.buildPresence().build());
        List<Message> got = new ArrayList<>();
        Message m;
        while ((m = (Message) inbox.nextResult(3_000)) != null) {
            got.add(m);
        }
        admin.disconnect();
        return got;
    }

    /** Waits (polling the notices' table only, gently) until a notice holding this text is there, or is not. */
    static void awaitNotice(CqlSession cql, String text, boolean there) throws Exception {
        TwoNodes.await(() -> {
            boolean found = false;
            for (Row r : cql.execute("SELECT notice FROM " + node.keyspace() + ".mailbox_notices")) {
                byte[] b = new byte[r.getByteBuffer(0).remaining()];
                r.getByteBuffer(0).duplicate().get(b);
                found |= new String(b, StandardCharsets.UTF_8).contains(text);
            }
            if (found != there) {
                Thread.sleep(400);
            }
            return found == there;
        }, java.time.Duration.ofSeconds(60), there ? "the notice was stored" : "the notice's row is gone");
    }

    /** Rows of every table of the node's keyspace holding these bytes, as table.column. */
    static List<String> rowsHolding(CqlSession cql, String needle) {
        List<String> found = new ArrayList<>();
        for (Row t : cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", node.keyspace())) {
            for (Row row : cql.execute("SELECT * FROM " + node.keyspace() + "." + t.getString(0))) {
                for (var col : row.getColumnDefinitions()) {
                    byte[] v = StorageIT.bytes(row, col);
                    if (v != null && StorageIT.contains(v, needle.getBytes(StandardCharsets.UTF_8))) {
                        found.add(t.getString(0) + "." + col.getName());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void anOfflineAdminFindsTheNoticeWhenLoggingInAndItWasStoredOnlyInItsOwnRow() throws Exception {
        // The admin turns archiving on first: the notice must not be archived all the same.
        try (RawClient w = RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, Clients.trusting(node), "warden",
                "pw-warden", "setup")) {
            w.send("<iq type='set' id='p'><prefs xmlns='urn:xmpp:mam:2' default='always'/></iq>");
            w.await("</iq>", java.time.Duration.ofSeconds(10));
        }
        register("newcomer");
        try (CqlSession cql = StorageIT.session(node)) {
            awaitNotice(cql, "newcomer@chorus.test", true);
            // The address (the client's: loopback here) is only in the notice's own row, nowhere else.
            assertEquals(List.of("mailbox_notices.notice"), rowsHolding(cql, "127.0.0.1"));
        }
        List<Message> got = adminLogsIn();
        assertEquals(1, got.size(), "one notice: " + got);
        Message notice = got.get(0);
        assertTrue(notice.getBody().contains("newcomer@chorus.test") && notice.getBody().contains("127.0.0.1"),
            notice.getBody());
        assertEquals("chorus.test", notice.getFrom().toString());
        assertNotNull(notice.getExtension("urn:xmpp:delay"), "it carries the time it arrived");
        try (CqlSession cql = StorageIT.session(node)) {
            awaitNotice(cql, "127.0.0.1", false);
            assertEquals(List.of(), rowsHolding(cql, "127.0.0.1"), "the delivered notice's row is deleted");
        }
    }

    @Test
    void anUncollectedNoticeIsGoneFromCassandraAfterTheNoticeRetention() throws Exception {
        register("latecomer");
        try (CqlSession cql = StorageIT.session(node)) {
            awaitNotice(cql, "latecomer@chorus.test", true);
            long retention = node.config().getDuration("chorus.registration.notice-retention").toMillis();
            Thread.sleep(retention + 2_000);
            assertTrue(!rowsHolding(cql, "latecomer@chorus.test").contains("mailbox_notices.notice"),
                "the notice outlived its retention");
            assertEquals(List.of(), rowsHolding(cql, "127.0.0.1"), "the address outlived the notice's retention");
        }
        assertNull(adminLogsIn().stream().filter(m -> m.getBody() != null && m.getBody().contains("latecomer"))
            .findFirst().orElse(null), "an expired notice was delivered");
    }
}
