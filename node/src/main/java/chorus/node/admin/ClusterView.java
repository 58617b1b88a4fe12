package chorus.node.admin;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.user.UserEntity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The cluster as chorusctl shows it: members, shards and entities per node, sessions per node. */
public final class ClusterView {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final ObjectMapper json = new ObjectMapper();

    public ClusterView(ActorSystem<?> system) {
        this.system = system;
    }

    public ObjectNode describe() {
        ObjectNode out = json.createObjectNode();
        Cluster cluster = Cluster.get(system);
        out.put("self", cluster.selfMember().address().hostPort());
        ArrayNode members = out.putArray("members");
        Map<String, ObjectNode> byNode = new HashMap<>();
        for (Member m : cluster.state().getMembers()) {
            ObjectNode n = members.addObject();
            n.put("node", m.address().hostPort());
            n.put("status", m.status().toString());
            n.put("reachable", !cluster.state().getUnreachable().contains(m));
            n.put("leader", m.address().equals(cluster.state().getLeader()));
            byNode.put(m.address().hostPort(), n);
        }
        shards(UserEntity.KEY, "users", byNode);
        shards(MailboxEntity.KEY, "mailboxes", byNode);
        sessions(byNode);
        return out;
    }

    private void shards(EntityTypeKey<?> key, String name, Map<String, ObjectNode> byNode) {
        CompletionStage<ShardRegion.ClusterShardingStats> stats = AskPattern.ask(
            ClusterSharding.get(system).shardState(),
            (ActorRef<ShardRegion.ClusterShardingStats> replyTo) -> new GetClusterShardingStats(key, TIMEOUT, replyTo),
            TIMEOUT.plusSeconds(1), system.scheduler());
        try {
            for (Map.Entry<Address, ShardRegion.ShardRegionStats> e : stats.toCompletableFuture().join().getRegions().entrySet()) {
                ObjectNode n = byNode.get(e.getKey().hostPort());
                if (n == null) {
                    continue;
                }
                int entities = 0;
                for (Object count : e.getValue().getStats().values()) {
                    entities += ((Number) count).intValue();
                }
                n.put(name + "Shards", e.getValue().getStats().size());
                n.put(name + "Entities", entities);
            }
        } catch (RuntimeException e) {
            byNode.values().forEach(n -> n.put(name + "Shards", -1));
        }
    }

    private void sessions(Map<String, ObjectNode> byNode) {
        Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                replyTo -> Receptionist.find(NodeStats.KEY, replyTo), TIMEOUT, system.scheduler())
            .toCompletableFuture().join();
        List<CompletableFuture<NodeStats.Stats>> asks = new ArrayList<>();
        for (ActorRef<NodeStats.Get> ref : listing.getServiceInstances(NodeStats.KEY)) {
            asks.add(AskPattern.<NodeStats.Get, NodeStats.Stats>ask(ref, NodeStats.Get::new, TIMEOUT, system.scheduler())
                .toCompletableFuture().exceptionally(e -> null));
        }
        for (CompletableFuture<NodeStats.Stats> a : asks) {
            NodeStats.Stats s = a.join();
            if (s != null && byNode.containsKey(s.node())) {
                byNode.get(s.node()).put("connections", s.connections());
                byNode.get(s.node()).put("sessions", s.sessions());
            }
        }
    }
}
