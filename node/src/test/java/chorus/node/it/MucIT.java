package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0045 against a real node and Cassandra: a persistent room outlives a restart with its subject and
 * password (stored only as a hash), and destroying it erases what the journal held.
 */
class MucIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of());
        node.createUser("alice", "pw-alice");
        node.createUser("bob", "pw-bob");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static XMPPTCPConnection login(String user) throws Exception {
        return Clients.login(node, user, "pw-" + user, "muc");
    }

    /** Journal and snapshot rows of the room's entity. */
    static long journalRows(CqlSession cql, String room) {
        long n = 0;
        for (String table : new String[] {"messages", "snapshots"}) {
            n += cql.execute("SELECT persistence_id FROM " + node.keyspace() + "." + table).all().stream()
                .filter(r -> ("Room|" + room).equals(r.getString(0))).count();
        }
        return n;
    }

    @Test
    void aPersistentRoomOutlivesARestartAndLeavesNothingOnceDestroyed() throws Exception {
        EntityBareJid address = JidCreate.entityBareFrom("guild@conference.chorus.test");
        XMPPTCPConnection alice = login("alice");
        MultiUserChat asAlice = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(address);
        asAlice.create(Resourcepart.from("alice"));
        FillableForm form = asAlice.getConfigurationForm().getFillableForm();
        form.setAnswer("muc#roomconfig_persistentroom", true);
        form.setAnswer("muc#roomconfig_passwordprotectedroom", true);
        form.setAnswer("muc#roomconfig_roomsecret", "ale-and-bread");
        asAlice.sendConfigurationForm(form);
        asAlice.changeSubject("Quarterly dues");
        asAlice.leave();
        alice.disconnect();

        try (CqlSession cql = StorageIT.session(node)) {
            MessagingIT.awaitTrue(() -> journalRows(cql, address.toString()) > 0, "the room was journaled");
            assertEquals(0, StorageIT.rowsOf(cql, node.keyspace(), "ale-and-bread"), "the room password is stored only as a hash");
        }
        node.restart();

        XMPPTCPConnection bob = login("bob");
        try {
            MultiUserChat asBob = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(address);
            StanzaCollector selfPresence = bob.createStanzaCollector(new AndFilter(StanzaTypeFilter.PRESENCE,
                FromMatchesFilter.createFull(JidCreate.entityFullFrom(address, Resourcepart.from("bob")))));
            asBob.join(Resourcepart.from("bob"), "ale-and-bread");
            MUCUser self = MUCUser.from(selfPresence.nextResult(10_000));
            assertFalse(self.getStatus().contains(MUCUser.Status.ROOM_CREATED_201), "the room existed after the restart");
            MessagingIT.awaitTrue(() -> "Quarterly dues".equals(asBob.getSubject()), "the subject survived the restart");
            assertTrue(MultiUserChatManager.getInstanceFor(bob).getRoomInfo(address).isPersistent());
            asBob.leave();
        } finally {
            bob.disconnect();
        }

        XMPPTCPConnection owner = login("alice");
        try {
            MultiUserChat again = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(address);
            again.join(Resourcepart.from("alice"), "ale-and-bread");
            again.destroy("the guild disbands", null);
        } finally {
            owner.disconnect();
        }
        try (CqlSession cql = StorageIT.session(node)) {
            MessagingIT.awaitTrue(() -> journalRows(cql, address.toString()) == 0, "the destroyed room's journal is erased");
            assertEquals(0, StorageIT.rowsOf(cql, node.keyspace(), "Quarterly dues"), "no row holds the subject any more");
        }
    }
}
