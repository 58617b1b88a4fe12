package chorus.node.it;

import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataTypes;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users expect to survive does, in Cassandra, and nothing of a password but SCRAM keys is there. */
class StorageIT {
    static final String PASSWORD = "Plaintext-Canary-7f3a9";
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void accountAndRosterSurviveARestartOfTheNode() throws Exception {
        node.createUser("hamlet", "to-be");
        XMPPTCPConnection c = Clients.login(node, "hamlet", "to-be", "castle");
        Roster.getInstanceFor(c).createItem(JidCreate.entityBareFrom("horatio@chorus.test"), "Horatio",
            new String[] {"Friends"});
        c.disconnect();

        node.restart();

        XMPPTCPConnection again = Clients.login(node, "hamlet", "to-be", "castle");
        try {
            Roster r = Roster.getInstanceFor(again);
            MessagingIT.awaitTrue(r::isLoaded, "roster loaded");
            RosterEntry e = r.getEntry(JidCreate.entityBareFrom("horatio@chorus.test"));
            assertNotNull(e, "the contact did not survive the restart");
            assertEquals("Horatio", e.getName());
        } finally {
            again.disconnect();
        }
        assertTrue(node.node().accounts().list().toCompletableFuture().join().contains("hamlet@chorus.test"));
    }

    @Test
    void noTableHoldsAnyFormOfThePasswordOnlyScramKeys() throws Exception {
        node.createUser("ophelia", PASSWORD);
        XMPPTCPConnection c = Clients.login(node, "ophelia", PASSWORD, "river");
        c.disconnect();
        // A password change leaves no trace of either password.
        node.node().accounts().changePassword(node.jid("ophelia"), PASSWORD + "-2").toCompletableFuture().join();

        List<byte[]> needles = List.of(
            PASSWORD.getBytes(StandardCharsets.UTF_8),
            PASSWORD.getBytes(StandardCharsets.UTF_16BE),
            PASSWORD.getBytes(StandardCharsets.UTF_16LE),
            Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII),
            "Canary".getBytes(StandardCharsets.UTF_8));
        int cells = 0;
        boolean sawScram = false;
        try (CqlSession s = session()) {
            for (Row t : s.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", node.keyspace())) {
                String table = t.getString(0);
                for (Row row : s.execute("SELECT * FROM " + node.keyspace() + "." + table)) {
                    for (ColumnDefinition col : row.getColumnDefinitions()) {
                        byte[] value = bytes(row, col);
                        if (value == null) {
                            continue;
                        }
                        cells++;
                        for (byte[] needle : needles) {
                            assertFalse(contains(value, needle), "password material in " + table + "." + col.getName());
                        }
                        sawScram |= contains(value, "storedKey".getBytes(StandardCharsets.UTF_8))
                            && contains(value, "serverKey".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertTrue(cells > 0);
        assertTrue(sawScram, "the credentials event (salt, iterations, StoredKey, ServerKey) was not found");
    }

    static CqlSession session() {
        return session(node);
    }

    static CqlSession session(TestNode node) {
        CassandraSettings settings = CassandraSettings.from(node.config());
        return CassandraSessions.open(settings, node.config());
    }

    static byte[] bytes(Row row, ColumnDefinition col) {
        if (row.isNull(col.getName())) {
            return null;
        }
        if (col.getType().equals(DataTypes.BLOB)) {
            ByteBuffer b = row.getByteBuffer(col.getName());
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
        Object o = row.getObject(col.getName());
        return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    static boolean contains(byte[] hay, byte[] needle) {
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
    void aRemovedAccountLeavesNoRowInAnyTableAndItsNameStartsEmpty() throws Exception {
        node.createUser("yorick", "skull");
        node.createUser("gravedigger", "spade");
        XMPPTCPConnection y = Clients.login(node, "yorick", "skull", "r");
        Roster.getInstanceFor(y).createItem(JidCreate.entityBareFrom("gravedigger@chorus.test"), "Digger", null);
        y.disconnect();
        XMPPTCPConnection g = Clients.login(node, "gravedigger", "spade", "r");
        g.sendStanza(org.jivesoftware.smack.packet.StanzaBuilder.buildMessage("o1")
            .to(JidCreate.entityBareFrom("yorick@chorus.test")).setBody("alas").build());
        g.disconnect();
        try (CqlSession s = session()) {
            MessagingIT.awaitTrue(() -> rowsOf(s, "yorick@chorus.test") > 0, "yorick's data is stored");
            assertEquals(chorus.actors.user.UserEntity.AccountReply.Done.class,
                node.node().accounts().remove(node.jid("yorick")).toCompletableFuture().join().getClass());
            assertEquals(0, rowsOf(s, "yorick@chorus.test"), "rows of the removed account remain");
        }
        node.createUser("yorick", "again");
        XMPPTCPConnection fresh = Clients.login(node, "yorick", "again", "r");
        try {
            Roster r = Roster.getInstanceFor(fresh);
            MessagingIT.awaitTrue(r::isLoaded, "roster loaded");
            assertTrue(r.getEntries().isEmpty(), "the new account inherited the old roster");
        } finally {
            fresh.disconnect();
        }
    }

    /**
     * Rows that belong to this account: its journals' and snapshots' rows (persistence ids User|jid and
     * Mailbox|jid), its metadata, its directory entry. Other users' rows that name it (a roster contact,
     * a delivery record) are theirs.
     */
    static int ownedRowsOf(CqlSession s, String keyspace, String jid) {
        int n = 0;
        for (Row t : s.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)) {
            for (Row row : s.execute("SELECT * FROM " + keyspace + "." + t.getString(0))) {
                for (ColumnDefinition col : row.getColumnDefinitions()) {
                    String name = col.getName().asInternal();
                    if ((name.equals("persistence_id") || name.equals("jid")) && !row.isNull(name)) {
                        String v = row.getString(name);
                        if (v.equals(jid) || v.equals("User|" + jid) || v.equals("Mailbox|" + jid)) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    /** Rows anywhere in the keyspace that name this account (its persistence ids, its directory entry). */
    static int rowsOf(CqlSession s, String jid) {
        return rowsOf(s, node.keyspace(), jid);
    }

    static int rowsOf(CqlSession s, String keyspace, String jid) {
        int n = 0;
        for (Row t : s.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)) {
            for (Row row : s.execute("SELECT * FROM " + keyspace + "." + t.getString(0))) {
                for (ColumnDefinition col : row.getColumnDefinitions()) {
                    byte[] v = bytes(row, col);
                    if (v != null && contains(v, jid.getBytes(StandardCharsets.UTF_8))) {
                        n++;
                        break;
                    }
                }
            }
        }
        return n;
    }
}
