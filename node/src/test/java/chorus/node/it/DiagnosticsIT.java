package chorus.node.it;

import chorus.persistence.diagnostics.DeliveryFailure;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed delivery leaves a record of who, whom, what kind, when and why — and never the body. */
class DiagnosticsIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("rosalind", "forest");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aMessageToANonexistentUserIsRecordedWithItsMetadataAndNoBody() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String body = "BODY-MUST-NOT-BE-RECORDED";
        XMPPTCPConnection c = Clients.login(node, "rosalind", "forest", "arden");
        try {
            StanzaCollector errors = c.createStanzaCollector(new StanzaTypeFilter(Message.class));
            c.sendStanza(StanzaBuilder.buildMessage("d1").to(JidCreate.entityBareFrom("orlando@chorus.test"))
                .ofType(Message.Type.chat).setBody(body).build());
            assertNotNull(errors.nextResult(10_000), "no error came back");
        } finally {
            c.disconnect();
        }
        List<DeliveryFailure>[] found = new List[1];
        MessagingIT.awaitTrue(() -> {
            found[0] = node.node().storage().diagnostics().query(before, "orlando@chorus.test", 10).toCompletableFuture().join();
            return !found[0].isEmpty();
        }, "a record was written");
        DeliveryFailure f = found[0].get(0);
        assertEquals("rosalind@chorus.test/arden", f.sender());
        assertEquals("orlando@chorus.test", f.recipient());
        assertEquals("message", f.kind());
        assertEquals("chat", f.type());
        assertEquals("service-unavailable", f.condition());
        assertFalse(f.node().isBlank());
        assertFalse(f.toString().contains(body));

        ChorusctlIT.Result r = ChorusctlIT.ctlAt(node.dataDir(), node.node().settings().adminPort(),
            "diagnostics", "--since", "1h", "--jid", "orlando@chorus.test");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rosalind@chorus.test/arden -> orlando@chorus.test  service-unavailable"), r.out());
        assertFalse(r.out().contains(body));

        try (var cql = StorageIT.session(node)) {
            for (var row : cql.execute("SELECT * FROM " + node.keyspace() + ".delivery_errors")) {
                for (var col : row.getColumnDefinitions()) {
                    byte[] v = StorageIT.bytes(row, col);
                    assertFalse(v != null && StorageIT.contains(v, body.getBytes()), "a body in delivery_errors." + col.getName());
                }
            }
        }
    }

    @Test
    void everyRecordExpiresWithTheRetentionAsItsTimeToLive() throws Exception {
        aMessageToANonexistentUserIsRecordedWithItsMetadataAndNoBody();
        long retention = node.config().getDuration("chorus.diagnostics.retention").toSeconds();
        try (var cql = StorageIT.session(node)) {
            for (var row : cql.execute("SELECT TTL(sender) FROM " + node.keyspace() + ".delivery_errors")) {
                int ttl = row.getInt(0);
                assertTrue(ttl > retention - 120 && ttl <= retention, "a record lives " + ttl + " s more");
            }
        }
    }

    /**
     * Several connections make the node fail hundreds of deliveries at once: the records written stay
     * within the node's rate ({@code chorus.diagnostics.per-node-per-second}); every sender still gets its errors.
     */
    @Test
    void aFloodOfFailedDeliveriesFromSeveralConnectionsIsRecordedOnlyAtTheNodesRate() throws Exception {
        int perSecond = node.config().getInt("chorus.diagnostics.per-node-per-second");
        int senders = 4;
        int each = 100;
        java.util.List<XMPPTCPConnection> clients = new java.util.ArrayList<>();
        java.util.List<StanzaCollector> inboxes = new java.util.ArrayList<>();
        for (int i = 0; i < senders; i++) {
            node.createUser("flood" + i, "pw");
            XMPPTCPConnection c = Clients.login(node, "flood" + i, "pw", "f");
            clients.add(c);
            inboxes.add(c.createStanzaCollector(new StanzaTypeFilter(Message.class)));
        }
        long start = System.nanoTime();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < senders; i++) {
            XMPPTCPConnection c = clients.get(i);
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    for (int k = 0; k < each; k++) {
                        c.sendStanza(StanzaBuilder.buildMessage("f" + k).to(JidCreate.entityBareFrom("ghost" + n + "-" + k + "@chorus.test"))
                            .ofType(Message.Type.chat).setBody("flood").build());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        int errors = 0;
        for (StanzaCollector inbox : inboxes) {
            for (int k = 0; k < each; k++) {
                Message m = inbox.nextResult(20_000);
                assertNotNull(m, "an error did not come back");
                assertEquals(Message.Type.error, m.getType());
                errors++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (XMPPTCPConnection c : clients) {
            c.disconnect();
        }
        long written;
        try (var cql = StorageIT.session(node)) {
            written = 0;
            for (var row : cql.execute("SELECT sender FROM " + node.keyspace() + ".delivery_errors")) {
                if (row.getString(0) != null && row.getString(0).startsWith("flood")) {
                    written++;
                }
            }
        }
        System.out.printf("diagnostics flood: %d failed deliveries from %d connections in %.1f s, %d records written%n",
            errors, senders, seconds, written);
        assertEquals(senders * each, errors);
        assertTrue(written >= perSecond, written + " records");
        assertTrue(written <= perSecond * (Math.ceil(seconds) + 1), written + " records in " + seconds + " s");
    }
}
