package chorus.node.it;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.MessageTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.commands.AdHocCommandManager;
import org.jivesoftware.smackx.commands.AdHocCommandNote;
import org.jivesoftware.smackx.commands.RemoteCommand;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0133 over XEP-0050 with Smack's AdHocCommandManager, on a cluster of two real nodes sharing one keyspace: the
 * admin of chorus.admins finds and runs the commands from either node, an ordinary user sees none and may run none;
 * an account added by command logs in, its password changes, it is deleted; the online count counts an account with
 * sessions on both nodes once; an announcement reaches resources on both nodes; ending sessions ends them wherever
 * they are.
 */
class AdminCommandsIT {
    static final String ADMIN_PREFIX = "http://jabber.org/protocol/admin#";
    static TestNode a;
    static TestNode b;
    static DomainBareJid server;

    @BeforeAll
    static void startCluster() throws Exception {
        TestClusterKeys keys = TestClusterKeys.create();
        a = TestNode.start(Map.of("chorus.admins", List.of("boss@" + TestNode.DOMAIN),
            "chorus.cluster.tls.dir", keys.node(1).toString()));
        int seed = a.config().getInt("chorus.cluster.port");
        b = TestNode.start(Map.of("chorus.admins", List.of("boss@" + TestNode.DOMAIN),
            "chorus.cassandra.keyspace", a.keyspace(), "chorus.cluster.seed-nodes", "127.0.0.1:" + seed,
            "chorus.cluster.tls.dir", keys.node(2).toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (StreamSupport.stream(Cluster.get(a.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "the two nodes did not form a cluster");
            Thread.sleep(200);
        }
        a.createUser("boss", "in-charge");
        a.createUser("clerk", "no-privileges");
        a.createUser("wanderer", "on-both-nodes");
        server = JidCreate.domainBareFrom(TestNode.DOMAIN);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    static RemoteCommand command(XMPPTCPConnection c, String name) {
        return AdHocCommandManager.getAddHocCommandsManager(c).getRemoteCommand(server, ADMIN_PREFIX + name);
    }

    /** Runs a command with a form: execute, fill in, complete. */
    static RemoteCommand run(XMPPTCPConnection c, String name, Map<String, Object> answers) throws Exception {
        RemoteCommand cmd = command(c, name);
        cmd.execute();
        FillableForm form = new FillableForm(cmd.getForm());
        for (Map.Entry<String, Object> e : answers.entrySet()) {
            if (e.getValue() instanceof List<?> l) {
                form.setAnswer(e.getKey(), l.stream().map(Object::toString).toList());
            } else {
                form.setAnswer(e.getKey(), e.getValue().toString());
            }
        }
        cmd.complete(form);
        assertTrue(cmd.isCompleted());
        return cmd;
    }

    static String number(RemoteCommand cmd, String field) {
        return cmd.getForm().getField(field).getFirstValue();
    }

    static StreamError.Condition closedWith(CompletableFuture<Exception> closed) throws Exception {
        Exception e = closed.get(20, TimeUnit.SECONDS);
        return assertInstanceOf(XMPPException.StreamErrorException.class, e).getStreamError().getCondition();
    }

    static CompletableFuture<Exception> watchClose(XMPPTCPConnection c) {
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        c.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.complete(e);
            }
        });
        return closed;
    }

    @Test
    void theAdminSeesTheCommandsAndAnOrdinaryUserNeitherSeesNorRunsThem() throws Exception {
        XMPPTCPConnection boss = Clients.login(b, "boss", "in-charge", "desk");
        XMPPTCPConnection clerk = Clients.login(a, "clerk", "no-privileges", "desk");
        try {
            DiscoverItems items = AdHocCommandManager.getAddHocCommandsManager(boss).discoverCommands(server);
            List<String> nodes = items.getItems().stream().map(DiscoverItems.Item::getNode).toList();
            List<String> expected = new java.util.ArrayList<>(List.of("add-user", "delete-user", "end-user-session",
                "change-user-password", "get-registered-users-num", "get-online-users-num", "announce").stream()
                .map(n -> ADMIN_PREFIX + n).toList());
            expected.add("urn:xmpp:invite#create-account"); // XEP-0401, as Prosody names it
            assertEquals(expected, nodes);
            assertTrue(AdHocCommandManager.getAddHocCommandsManager(clerk).discoverCommands(server).getItems().isEmpty());
            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                () -> command(clerk, "add-user").execute());
            assertEquals(StanzaError.Condition.forbidden, refused.getStanzaError().getCondition());
            assertThrows(XMPPException.XMPPErrorException.class, () -> command(clerk, "get-online-users-num").execute());
        } finally {
            boss.disconnect();
            clerk.disconnect();
        }
    }

    @Test
    void anAccountAddedByCommandLogsInThenItsPasswordChangesThenItIsDeleted() throws Exception {
        XMPPTCPConnection boss = Clients.login(a, "boss", "in-charge", "desk");
        try {
            int before = Integer.parseInt(number(runNow(boss, "get-registered-users-num"), "registeredusersnum"));
            run(boss, "add-user", Map.of("accountjid", "newbie@" + TestNode.DOMAIN, "password", "fresh-start",
                "password-verify", "fresh-start"));
            Clients.login(b, "newbie", "fresh-start", "first").disconnect();
            assertEquals(before + 1,
                Integer.parseInt(number(runNow(boss, "get-registered-users-num"), "registeredusersnum")));
            XMPPException.XMPPErrorException exists = assertThrows(XMPPException.XMPPErrorException.class,
                () -> run(boss, "add-user", Map.of("accountjid", "newbie@" + TestNode.DOMAIN, "password", "again")));
            assertEquals(StanzaError.Condition.conflict, exists.getStanzaError().getCondition());

            run(boss, "change-user-password", Map.of("accountjid", "newbie@" + TestNode.DOMAIN, "password", "second-try"));
            assertThrows(Exception.class, () -> Clients.login(a, "newbie", "fresh-start", "old"));
            Clients.login(a, "newbie", "second-try", "new").disconnect();

            XMPPTCPConnection newbie = Clients.login(b, "newbie", "second-try", "last");
            CompletableFuture<Exception> closed = watchClose(newbie);
            RemoteCommand deleted = run(boss, "delete-user", Map.of("accountjids", List.of("newbie@" + TestNode.DOMAIN)));
            assertTrue(deleted.getNotes().stream().anyMatch(n -> n.getValue().contains("newbie@")));
            assertEquals(StreamError.Condition.not_authorized, closedWith(closed));
            assertThrows(Exception.class, () -> Clients.login(a, "newbie", "second-try", "gone"));
        } finally {
            boss.disconnect();
        }
    }

    static RemoteCommand runNow(XMPPTCPConnection c, String name) throws Exception {
        RemoteCommand cmd = command(c, name);
        cmd.execute();
        assertTrue(cmd.isCompleted(), name + " should complete at once");
        return cmd;
    }

    @Test
    void theOnlineCountAnnouncementsAndEndingSessionsReachBothNodes() throws Exception {
        XMPPTCPConnection boss = Clients.login(a, "boss", "in-charge", "desk");
        XMPPTCPConnection onA = Clients.login(a, "wanderer", "on-both-nodes", "phone");
        XMPPTCPConnection onB = Clients.login(b, "wanderer", "on-both-nodes", "laptop");
        XMPPTCPConnection clerk = Clients.login(b, "clerk", "no-privileges", "desk");
        try {
            // boss, wanderer (on both nodes), clerk: three accounts.
            assertEquals("3", number(runNow(boss, "get-online-users-num"), "onlineusersnum"));

            BlockingQueue<Message> heardOnA = headlines(onA);
            BlockingQueue<Message> heardOnB = headlines(onB);
            RemoteCommand sent = run(boss, "announce", Map.of("subject", "Maintenance",
                "announcement", List.of("The service goes down at noon.", "Please log off.")));
            assertTrue(sent.getNotes().get(0).getValue().contains("4"), sent.getNotes().get(0).getValue());
            for (BlockingQueue<Message> heard : List.of(heardOnA, heardOnB)) {
                Message m = heard.poll(15, TimeUnit.SECONDS);
                assertNotNull(m, "no announcement");
                assertEquals(TestNode.DOMAIN, m.getFrom().toString());
                assertEquals("The service goes down at noon.\nPlease log off.", m.getBody());
                assertEquals("Maintenance", m.getSubject());
            }

            // One resource by its full JID, then every session of an account by its bare JID.
            CompletableFuture<Exception> laptopClosed = watchClose(onB);
            run(boss, "end-user-session", Map.of("accountjids", List.of("wanderer@" + TestNode.DOMAIN + "/laptop")));
            assertEquals(StreamError.Condition.policy_violation, closedWith(laptopClosed));
            assertTrue(onA.isConnected(), "the other resource was ended too");
            CompletableFuture<Exception> phoneClosed = watchClose(onA);
            CompletableFuture<Exception> clerkClosed = watchClose(clerk);
            run(boss, "end-user-session", Map.of("accountjids",
                List.of("wanderer@" + TestNode.DOMAIN, "clerk@" + TestNode.DOMAIN)));
            assertEquals(StreamError.Condition.policy_violation, closedWith(phoneClosed));
            assertEquals(StreamError.Condition.policy_violation, closedWith(clerkClosed));
            // Ended, not banned: they log in again.
            Clients.login(b, "clerk", "no-privileges", "again").disconnect();
            awaitOnline(boss, "1");
        } finally {
            for (XMPPTCPConnection c : List.of(boss, onA, onB, clerk)) {
                c.disconnect();
            }
        }
    }

    static void awaitOnline(XMPPTCPConnection boss, String n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String now;
        while (!(now = number(runNow(boss, "get-online-users-num"), "onlineusersnum")).equals(n)) {
            assertTrue(System.nanoTime() < deadline, "online: " + now + ", expected " + n);
            Thread.sleep(200);
        }
    }

    static BlockingQueue<Message> headlines(XMPPTCPConnection c) {
        BlockingQueue<Message> q = new LinkedBlockingQueue<>();
        c.addAsyncStanzaListener((StanzaListener) st -> q.add((Message) st),
            MessageTypeFilter.HEADLINE);
        return q;
    }

    @Test
    void aNoteNamesAnAccountThatDoesNotExist() throws Exception {
        XMPPTCPConnection boss = Clients.login(a, "boss", "in-charge", "desk");
        try {
            RemoteCommand r = run(boss, "delete-user", Map.of("accountjids", List.of("nobody@" + TestNode.DOMAIN)));
            AdHocCommandNote note = r.getNotes().get(0);
            assertEquals(AdHocCommandNote.Type.warn, note.getType());
            assertTrue(note.getValue().contains("nobody@"));
        } finally {
            boss.disconnect();
        }
    }
}
