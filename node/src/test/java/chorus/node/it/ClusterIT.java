package chorus.node.it;

import chorus.node.cli.Chorusctl;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Chorus nodes, each in a process of its own (127.0.0.12-14), sharing the test run's Cassandra:
 * any node serves any user; losing a node (kill -9) or restarting every node in turn loses no message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    static final int NODES = 3;
    static final int C2S = 15222;
    static final String SEEDS = "127.0.0.12:25520,127.0.0.13:25520,127.0.0.14:25520";
    static String keyspace;
    static TestClusterKeys keys;
    static final ClusterNode[] nodes = new ClusterNode[NODES];

    /** One node process and where it lives. */
    static final class ClusterNode {
        final int index;
        final String ip;
        final Path dataDir;
        final int adminPort;
        NodeProcess process;

        ClusterNode(int index) throws Exception {
            this.index = index;
            this.ip = "127.0.0." + (12 + index);
            this.dataDir = Files.createTempDirectory("chorus-cluster-" + index);
            this.adminPort = TestNode.freePort();
        }

        TestNode.Endpoint endpoint() {
            return new TestNode.Endpoint(ip, C2S, dataDir);
        }

        void start() throws Exception {
            List<String> cmd = NodeProcess.command(Map.ofEntries(
                Map.entry("chorus.domain", "chorus.test"), Map.entry("chorus.bind", ip),
                Map.entry("chorus.data-dir", dataDir.toString()), Map.entry("chorus.c2s.port", "" + C2S),
                Map.entry("chorus.c2s.tls-port", "15223"), Map.entry("chorus.admin.port", "" + adminPort),
                Map.entry("chorus.cluster.host", ip), Map.entry("chorus.cluster.port", "25520"),
                Map.entry("chorus.cassandra.keyspace", keyspace)));
            process = NodeProcess.launch(cmd, Map.of(
                "CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort(),
                "CHORUS_SEED_NODES", SEEDS, "CHORUS_CLUSTER_TLS_DIR", keys.node(index).toString()));
        }

        void kill() throws Exception {
            process.process.destroyForcibly().waitFor();
        }

        void stop() throws Exception {
            process.stop();
        }

        String ctl(String... args) {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(dataDir, adminPort, args);
            assertEquals(0, r.code(), r.err());
            return r.out();
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        TestCassandra.requireRunning();
        keyspace = TestCassandra.newKeyspace();
        keys = TestClusterKeys.create();
        // One process creates the schema before the nodes start together.
        assertEquals(0, Chorusctl.run(new String[] {"schema", "apply", "--contact-points=127.0.0.1:" + TestCassandra.cqlPort(),
            "--keyspace=" + keyspace}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        for (int i = 0; i < NODES; i++) {
            nodes[i] = new ClusterNode(i);
            nodes[i].start();
        }
        MessagingIT.awaitTrue(() -> upMembers(nodes[0]) == NODES, "three members up");
        for (String u : new String[] {"ann", "ben", "cat", "dan"}) {
            nodes[0].ctl("user", "add", u, "pw-" + u);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (ClusterNode n : nodes) {
            if (n != null && n.process != null) {
                n.process.close();
            }
        }
        // Artery drops a message larger than its frame and logs it: no node may have had to.
        for (ClusterNode n : nodes) {
            java.nio.file.Path log = n == null ? null : n.dataDir.resolve("logs").resolve("chorus.log");
            if (log != null && Files.exists(log)) {
                assertTrue(Files.readAllLines(log).stream().noneMatch(l -> l.contains("oversized")),
                    "node " + n.index + " dropped an oversized message: see " + log);
            }
        }
    }

    static int upMembers(ClusterNode via) {
        String table = via.ctl("cluster");
        return (int) table.lines().filter(l -> l.contains(" Up ") && l.contains(" yes ")).count();
    }

    static XMPPTCPConnection login(ClusterNode node, String user, String resource) throws Exception {
        XMPPTCPConnection c = Clients.login(node.endpoint(), user, "pw-" + user, resource);
        ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.entityBareFrom(user + "@chorus.test"));
        return c;
    }

    @Test
    @Order(0)
    void aChatRoomServesOccupantsOnEveryNode() throws Exception {
        XMPPTCPConnection ann = login(nodes[0], "ann", "muc");
        XMPPTCPConnection ben = login(nodes[2], "ben", "muc");
        XMPPTCPConnection cat = login(nodes[1], "cat", "muc");
        try {
            EntityBareJid address = JidCreate.entityBareFrom("tavern@conference.chorus.test");
            MultiUserChat asAnn = MultiUserChatManager.getInstanceFor(ann).getMultiUserChat(address);
            asAnn.create(Resourcepart.from("ann")).makeInstant();
            // The public room shows in the service's directory on another node too (Distributed Data).
            MessagingIT.awaitTrue(() -> MultiUserChatManager.getInstanceFor(cat)
                    .getRoomsHostedBy(JidCreate.domainBareFrom("conference.chorus.test")).containsKey(address),
                "the room is listed on every node");
            MultiUserChat asBen = MultiUserChatManager.getInstanceFor(ben).getMultiUserChat(address);
            StanzaCollector annInbox = ann.createStanzaCollector(new StanzaTypeFilter(Message.class));
            asBen.join(Resourcepart.from("ben"));
            // The room sends ann's presence before ben's own (XEP-0045 §7.2.3), but Smack's join() returns on the
            // own presence while its occupant listener may still be handing ann's over: wait for it.
            MessagingIT.awaitTrue(() -> asBen.getOccupantsCount() == 2, "ben sees both occupants");
            asBen.sendMessage("a round for the room");
            Message got;
            do {
                got = (Message) annInbox.nextResult(10_000);
                assertNotNull(got, "ann got no message from the room");
            } while (got.getBody() == null);
            assertEquals("a round for the room", got.getBody());
            assertEquals(address + "/ben", got.getFrom().toString());
            asAnn.destroy("closing time", null);
        } finally {
            ann.disconnect();
            ben.disconnect();
            cat.disconnect();
        }
    }

    @Test
    @Order(1)
    void usersOnDifferentNodesExchangeMessagesPresenceAndRosterPushes() throws Exception {
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.accept_all);
        XMPPTCPConnection ann = login(nodes[0], "ann", "n1");
        XMPPTCPConnection ben = login(nodes[2], "ben", "n3");
        XMPPTCPConnection catHigh = login(nodes[0], "cat", "high");
        XMPPTCPConnection catLow = login(nodes[1], "cat", "low");
        try {
            Roster.getInstanceFor(ann).createItemAndRequestSubscription(JidCreate.entityBareFrom("ben@chorus.test"), "Ben", null);
            Roster.getInstanceFor(ben).createItemAndRequestSubscription(JidCreate.entityBareFrom("ann@chorus.test"), "Ann", null);
            MessagingIT.awaitTrue(() -> {
                RosterEntry e = Roster.getInstanceFor(ann).getEntry(JidCreate.entityBareFrom("ben@chorus.test"));
                return e != null && e.getType() == RosterPacket.ItemType.both;
            }, "ann and ben are mutual contacts across nodes");
            MessagingIT.awaitTrue(() -> Roster.getInstanceFor(ann).getPresence(JidCreate.entityBareFrom("ben@chorus.test"))
                .isAvailable(), "ann sees ben's presence across nodes");

            StanzaCollector benInbox = ben.createStanzaCollector(new StanzaTypeFilter(Message.class));
            ann.sendStanza(StanzaBuilder.buildMessage("x1").to(JidCreate.entityBareFrom("ben@chorus.test"))
                .ofType(Message.Type.chat).setBody("across the cluster").build());
            assertEquals("across the cluster", ((Message) benInbox.nextResult(10_000)).getBody());

            // One user, two resources on two nodes: the higher priority gets the message; a roster change
            // made on one node is pushed to the resource on the other.
            catHigh.sendStanza(StanzaBuilder.buildPresence().setPriority(5).build());
            catLow.sendStanza(StanzaBuilder.buildPresence().setPriority(1).build());
            ServiceDiscoveryManager.getInstanceFor(catHigh).discoverInfo(JidCreate.entityBareFrom("cat@chorus.test"));
            ServiceDiscoveryManager.getInstanceFor(catLow).discoverInfo(JidCreate.entityBareFrom("cat@chorus.test"));
            StanzaCollector high = catHigh.createStanzaCollector(new StanzaTypeFilter(Message.class));
            StanzaCollector low = catLow.createStanzaCollector(new StanzaTypeFilter(Message.class));
            ann.sendStanza(StanzaBuilder.buildMessage("x2").to(JidCreate.entityBareFrom("cat@chorus.test"))
                .ofType(Message.Type.chat).setBody("to the best resource").build());
            assertNotNull(high.nextResult(10_000), "the high-priority resource on node 1 got nothing");
            assertNull(low.nextResult(500));
            MessagingIT.awaitTrue(() -> Roster.getInstanceFor(catLow).getPresence(JidCreate.entityBareFrom("cat@chorus.test"))
                .isAvailable(), "cat's resources see each other");
            Roster.getInstanceFor(catHigh).createItem(JidCreate.entityBareFrom("dan@chorus.test"), "Dan", null);
            MessagingIT.awaitTrue(() -> Roster.getInstanceFor(catLow).getEntry(JidCreate.entityBareFrom("dan@chorus.test")) != null,
                "the roster push reached the resource on node 2");
        } finally {
            ann.disconnect();
            ben.disconnect();
            catHigh.disconnect();
            catLow.disconnect();
        }
    }

    @Test
    @Order(2)
    void killingANodeLosesNoMessage() throws Exception {
        Traffic traffic = new Traffic(nodes, List.of(0, 1), 2, 8);
        List<String> later = FailoverLogins.create(nodes[0], "later", 12);
        traffic.start();
        Thread.sleep(4_000);
        long killedAt = System.nanoTime();
        java.time.Instant killedWall = java.time.Instant.now();
        nodes[2].kill();
        traffic.clientsOfDeadNodeReconnect(nodes[2], nodes[0]);
        // A third of these accounts' entities, on average, lived on the dead node: their logins wait for the
        // cluster to move them (chorus.c2s.login-lookup-timeout) instead of failing.
        FailoverLogins logins = FailoverLogins.run(later, nodes[0]);
        Thread.sleep(12_000);
        Traffic.Report r = traffic.stopAndCount(60_000);
        System.out.printf("kill -9 of one node of three: %s; all pairs delivering again %d ms after the kill; errors %s;"
            + " logins of its clients elsewhere: slowest %d ms, failed attempts %s%n", r,
            traffic.allPairsDeliveredSince(killedAt), traffic.errorKinds, traffic.slowestReconnectMs.get(),
            traffic.loginFailures);
        System.out.println("killed at " + killedWall + " (the nodes' logs have the cluster's side); logins of 12 "
            + "accounts at a surviving node right after the kill: " + logins
            + "; each pair's first delivery after the kill (ms; even pairs' receivers were on the dead node): "
            + traffic.pairsDeliveredSince(killedAt));
        assertEquals(List.of(), r.lost(), "messages silently lost");
        assertEquals(Map.of(), logins.failures, "logins during fail-over fail");
        MessagingIT.awaitTrue(() -> upMembers(nodes[0]) == 2, "the dead node was downed and removed");
        // Downed on its lease (chorus.node.cluster.LeaseDowning), not after the split brain resolver's stable-after.
        assertTrue(logOf(nodes[0]).contains("and its lease ran out") || logOf(nodes[1]).contains("and its lease ran out"),
            "the dead node was not downed on its lease: see the survivors' logs");
    }

    static String logOf(ClusterNode n) throws Exception {
        Path log = n.dataDir.resolve("logs").resolve("chorus.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    @Order(3)
    void aRollingRestartOfEveryNodeLosesNoMessage() throws Exception {
        if (!nodes[2].process.process.isAlive()) {
            nodes[2].start();
        }
        MessagingIT.awaitTrue(() -> upMembers(nodes[0]) == NODES, "the third node is back");
        Traffic traffic = new Traffic(nodes, List.of(0, 1, 2), -1, 6);
        traffic.start();
        for (int i = 0; i < NODES; i++) {
            Thread.sleep(3_000);
            traffic.moveSendersOff(nodes[i], nodes[(i + 1) % NODES]);
            nodes[i].stop();
            traffic.clientsOfDeadNodeReconnect(nodes[i], nodes[(i + 1) % NODES]);
            nodes[i].start();
            int via = (i + 1) % NODES;
            MessagingIT.awaitTrue(() -> upMembers(nodes[via]) == NODES, "node " + (i + 1) + " rejoined");
        }
        Thread.sleep(3_000);
        Traffic.Report r = traffic.stopAndCount(60_000);
        System.out.println("rolling restart of three nodes: " + r + "; errors " + traffic.errorKinds
            + "; logins elsewhere: slowest " + traffic.slowestReconnectMs.get() + " ms, failed attempts "
            + traffic.loginFailures);
        assertEquals(List.of(), r.lost(), "messages silently lost");
    }

    @Test
    @Order(4)
    void theDiagnosticsPrunerRunsAfterItsNodeIsLost() throws Exception {
        String before = nodes[1].ctl("diagnostics", "--since", "1h");
        assertNotNull(before);
        // The singleton lives on the oldest node; after the rolling restart that is node 1 (restarted first).
        String oldestFirst = nodes[0].ctl("cluster");
        assertTrue(oldestFirst.contains("Up"), oldestFirst);
        Map<Integer, Boolean> pruned = new HashMap<>();
        for (int i = 0; i < NODES; i++) {
            pruned.put(i, prune(nodes[i]));
        }
        assertTrue(pruned.values().stream().allMatch(b -> b), "the pruner did not answer from every node");
        nodes[0].kill();
        MessagingIT.awaitTrue(() -> prune(nodes[1]), "the pruner answers again after its node was lost");
    }

    static boolean prune(ClusterNode via) {
        try {
            return AdminHttp.post(via.dataDir, via.adminPort, "/v1/diagnostics/prune").contains("\"at\"");
        } catch (Exception e) {
            return false;
        }
    }
}
