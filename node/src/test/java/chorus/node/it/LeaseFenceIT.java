package chorus.node.it;

import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node lease (chorus.node.cluster.NodeLease) on a real two-node cluster: node b reaches Cassandra through a
 * relay the test cuts. A node that cannot write its lease runs no entity: b stops every one it ran within the
 * lease's few seconds, and neither node starts them meanwhile (a still runs only its own). Once b writes its lease
 * again, its users' entities start again by themselves and a message sent to them during the cut arrives.
 */
class LeaseFenceIT {
    static final int USERS = 16;
    static TcpProxy cassandraOfB;
    static TwoNodes nodes;

    @BeforeAll
    static void start() throws Exception {
        TestCassandra.requireRunning();
        cassandraOfB = TcpProxy.start(TestCassandra.cqlPort());
        nodes = TwoNodes.start(Map.of(), Map.of("chorus.cassandra.contact-points",
            List.of("127.0.0.1:" + cassandraOfB.port())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
        if (cassandraOfB != null) {
            cassandraOfB.close();
        }
    }

    static Set<String> users(TestNode n) throws Exception {
        ActorSystem<?> system = n.node().system();
        ShardRegion.CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(), replyTo -> new GetShardRegionState(UserEntity.KEY, replyTo),
            Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get();
        return state.getShards().stream().flatMap(s -> s.getEntityIds().stream()).collect(Collectors.toSet());
    }

    /** One unlabelled sample of a node's {@code /metrics}, as Prometheus scrapes it. */
    static double metric(TestNode n, String name) throws Exception {
        String body = AdminPortIT.get(n, "/metrics", AdminPortIT.bearer(n)).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " not among the metrics");
    }

    @Test
    void aNodeThatCannotWriteItsLeaseRunsNoEntityAndItsUsersAreServedAgainWhenItCan() throws Exception {
        nodes.a.createUser("sender", "pw");
        XMPPTCPConnection sender = Clients.login(nodes.a, "sender", "pw", "fence");
        List<XMPPTCPConnection> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            nodes.a.createUser("u" + i, "pw");
            users.add(Clients.login(nodes.a, "u" + i, "pw", "fence"));
        }
        Set<String> onB = new HashSet<>();
        TwoNodes.await(() -> {
            onB.clear();
            onB.addAll(users(nodes.b));
            onB.removeIf(e -> !e.matches("u\\d+@.*"));
            return !onB.isEmpty();
        }, Duration.ofSeconds(30), "some user's entity lives on b");
        Set<String> onA = users(nodes.a);

        cassandraOfB.cut();
        TwoNodes.await(() -> users(nodes.b).isEmpty(), Duration.ofSeconds(15),
            "b stops every entity once its lease has run out");
        // Meanwhile a message to each user of b: b may not start their entities, and a does not, since b is still a
        // member that a can reach (the coordinator keeps b's shards there).
        String target = onB.iterator().next();
        int index = Integer.parseInt(target.substring(1, target.indexOf('@')));
        StanzaCollector inbox = users.get(index).createStanzaCollector(new StanzaTypeFilter(Message.class));
        Stanza m = MessageBuilder.buildMessage("during-cut").to(JidCreate.entityBareFrom(target))
            .ofType(Message.Type.chat).setBody("sent while b could not write its lease").build();
        sender.sendStanza(m);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(250);
            assertTrue(users(nodes.b).isEmpty(), "an entity ran on b while b could not write its lease");
            Set<String> nowOnA = users(nodes.a);
            nowOnA.removeAll(onA);
            nowOnA.retainAll(onB);
            assertEquals(Set.of(), nowOnA, "a started b's users while b's lease may still run");
        }
        assertEquals(null, inbox.pollResult(), "delivered through an entity that could not write");
        // What an admin's dashboard shows meanwhile (README "Metrics").
        assertEquals(0.0, metric(nodes.b, "chorus_cluster_lease_valid"), "b's lease gauge during the cut");
        assertTrue(metric(nodes.b, "chorus_cluster_lease_lapses_total") >= 1, "b counted its lapse");
        assertTrue(metric(nodes.b, "chorus_cluster_lease_write_failures_total") >= 1, "b counted its failed writes");
        assertEquals(1.0, metric(nodes.a, "chorus_cluster_lease_valid"), "a's lease gauge");
        assertEquals(0.0, metric(nodes.a, "chorus_cluster_lease_lapses_total"), "a never lapsed");

        cassandraOfB.restore();
        Message got = inbox.nextResult(60_000);
        assertTrue(got != null && "sent while b could not write its lease".equals(got.getBody()),
            "the message sent during the cut arrives once b writes its lease again");
        inbox.cancel();
        TwoNodes.await(() -> !users(nodes.b).isEmpty(), Duration.ofSeconds(30), "b runs entities again");
        assertEquals(1.0, metric(nodes.b, "chorus_cluster_lease_valid"), "b's lease gauge after the cut");
        String scrape = AdminPortIT.get(nodes.b, "/metrics", AdminPortIT.bearer(nodes.b)).body();
        List<String> leaseNames = AdminPortIT.dashboardMetrics().stream()
            .filter(n -> n.startsWith(AdminPortIT.LEASE_METRICS)).toList();
        assertEquals(4, leaseNames.size(), "the dashboard's lease panel: " + leaseNames);
        for (String name : leaseNames) {
            assertTrue(scrape.contains("\n" + name + " ") || scrape.contains("\n" + name + "{"),
                "the dashboard uses " + name + ", which b's scrape lacks");
        }
        sender.disconnect();
        users.forEach(XMPPTCPConnection::disconnect);
    }
}
