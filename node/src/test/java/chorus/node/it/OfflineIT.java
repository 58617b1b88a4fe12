package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0160: messages to an offline user wait, survive a restart, and arrive in order with their time. */
class OfflineIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.offline.max-messages", 5));
        for (String u : new String[] {"alice", "bob", "carol", "dave"}) {
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

    @Test
    void messagesToAnOfflineUserArriveInOrderWithDelayStampsAfterARestart() throws Exception {
        XMPPTCPConnection alice = login("alice", "a");
        Date before = new Date(System.currentTimeMillis() - 1000);
        for (int i = 1; i <= 3; i++) {
            alice.sendStanza(StanzaBuilder.buildMessage("o" + i).to(JidCreate.entityBareFrom("bob@chorus.test"))
                .ofType(Message.Type.chat).setBody("offline " + i).build());
        }
        alice.disconnect();
        // Wait until bob's mailbox wrote them: the restart below must not race the writes.
        try (CqlSession cql = StorageIT.session(node)) {
            MessagingIT.awaitTrue(() -> cql.execute("SELECT count(*) FROM " + node.keyspace()
                + ".mailbox_messages WHERE persistence_id = 'Mailbox|bob@chorus.test' AND partition_nr = 0")
                .one().getLong(0) == 3, "three messages stored");
        }

        node.restart();

        XMPPTCPConnection bob = new XMPPTCPConnection(Clients.config(node, "bob", "pw-bob").setResource("b")
            .setSendPresence(false).build());
        bob.setReplyTimeout(10_000);
        bob.connect().login();
        StanzaCollector inbox = bob.createStanzaCollector(new StanzaTypeFilter(Message.class));
        bob.sendStanza(StanzaBuilder.buildPresence().build());
        List<Message> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = inbox.nextResult(10_000);
            assertNotNull(m, "offline message " + (i + 1) + " did not arrive; got " + got.size());
            got.add(m);
        }
        assertEquals(List.of("offline 1", "offline 2", "offline 3"), got.stream().map(Message::getBody).toList());
        for (Message m : got) {
            DelayInformation delay = m.getExtension(DelayInformation.class);
            assertNotNull(delay, "no delay stamp");
            assertEquals("chorus.test", delay.getFrom());
            assertTrue(!delay.getStamp().before(before) && !delay.getStamp().after(new Date()), delay.getStamp().toString());
            assertEquals("alice@chorus.test/a", m.getFrom().toString());
        }
        bob.disconnect();

        // Delivered messages are erased from the table at once, not only at their expiry.
        try (CqlSession cql = StorageIT.session(node)) {
            MessagingIT.awaitTrue(() -> MailboxPrivacyIT.rowsWith(cql, node.keyspace(), "offline 1") == 0,
                "the delivered message's row is gone");
        }

        // Delivered messages are forgotten: the next login gets nothing.
        XMPPTCPConnection again = new XMPPTCPConnection(Clients.config(node, "bob", "pw-bob").setResource("b2")
            .setSendPresence(false).build());
        again.connect().login();
        StanzaCollector none = again.createStanzaCollector(new StanzaTypeFilter(Message.class));
        again.sendStanza(StanzaBuilder.buildPresence().build());
        assertNull(none.nextResult(1500));
        again.disconnect();

        // A mailbox whose first rows were erased still recovers: a message stored after them waits
        // across a restart and arrives at the next login.
        XMPPTCPConnection alice2 = login("alice", "a2");
        alice2.sendStanza(StanzaBuilder.buildMessage("o4").to(JidCreate.entityBareFrom("bob@chorus.test"))
            .ofType(Message.Type.chat).setBody("offline 4").build());
        try (CqlSession cql = StorageIT.session(node)) {
            MessagingIT.awaitTrue(() -> MailboxPrivacyIT.rowsWith(cql, node.keyspace(), "offline 4") == 1,
                "the fourth message stored");
        }
        alice2.disconnect();
        node.restart();
        XMPPTCPConnection later = new XMPPTCPConnection(Clients.config(node, "bob", "pw-bob").setResource("b3")
            .setSendPresence(false).build());
        later.setReplyTimeout(10_000);
        later.connect().login();
        StanzaCollector fourth = later.createStanzaCollector(new StanzaTypeFilter(Message.class));
        later.sendStanza(StanzaBuilder.buildPresence().build());
        Message m4 = fourth.nextResult(8_000);
        assertNotNull(m4, "the message stored after erased ones did not arrive after a restart");
        assertEquals("offline 4", m4.getBody());
        later.disconnect();
    }

    @Test
    void aFullMailboxRefusesMoreWithResourceConstraint() throws Exception {
        XMPPTCPConnection carol = login("carol", "c");
        try {
            StanzaCollector errors = carol.createStanzaCollector(new AndFilter(new StanzaTypeFilter(Message.class),
                FromMatchesFilter.createBare(JidCreate.entityBareFrom("dave@chorus.test"))));
            for (int i = 1; i <= 6; i++) {
                carol.sendStanza(StanzaBuilder.buildMessage("f" + i).to(JidCreate.entityBareFrom("dave@chorus.test"))
                    .ofType(Message.Type.chat).setBody("fill " + i).build());
            }
            Message err = errors.nextResult(10_000);
            assertNotNull(err, "the sixth message was not refused");
            assertEquals("f6", err.getStanzaId());
            assertEquals(StanzaError.Condition.resource_constraint, err.getError().getCondition());
        } finally {
            carol.disconnect();
        }
        XMPPTCPConnection dave = new XMPPTCPConnection(Clients.config(node, "dave", "pw-dave").setResource("d")
            .setSendPresence(false).build());
        dave.connect().login();
        StanzaCollector inbox = dave.createStanzaCollector(new StanzaTypeFilter(Message.class));
        dave.sendStanza(StanzaBuilder.buildPresence().build());
        for (int i = 1; i <= 5; i++) {
            Message m = inbox.nextResult(10_000);
            assertNotNull(m, "stored message " + i + " lost");
            assertEquals("fill " + i, m.getBody());
        }
        dave.disconnect();
    }

    @Test
    void theServerAdvertisesOfflineStorage() throws Exception {
        XMPPTCPConnection alice = login("alice", "disco");
        try {
            assertTrue(ServiceDiscoveryManager.getInstanceFor(alice).discoverInfo(JidCreate.domainBareFrom("chorus.test"))
                .containsFeature("msgoffline"));
        } finally {
            alice.disconnect();
        }
    }
}
