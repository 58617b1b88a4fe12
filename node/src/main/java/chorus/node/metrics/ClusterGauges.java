package chorus.node.metrics;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.metrics.NodeMetrics.EntityType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster as this node sees it, as gauges: members by status, unreachable members, and the shards and
 * entities of each sharded type that live on this node. Shard counts are asked of the local shard regions
 * every {@code refresh} (a scrape never waits on an actor).
 */
public final class ClusterGauges implements AutoCloseable {
    /** Member statuses (Pekko's MemberStatus), as label values. */
    static final List<String> STATUSES = List.of("joining", "weaklyup", "up", "preparingforshutdown",
        "readyforshutdown", "leaving", "exiting", "down", "removed");

    private final Cancellable refresher;

    private ClusterGauges(Cancellable refresher) {
        this.refresher = refresher;
    }

    public static ClusterGauges start(ActorSystem<?> system, MeterRegistry registry,
                                      Map<EntityType, EntityTypeKey<?>> types, Duration refresh) {
        Cluster cluster = Cluster.get(system);
        for (String status : STATUSES) {
            Gauge.builder("chorus.cluster.members", cluster, c -> count(c, status))
                .description("cluster members by status, as this node sees them").tag("status", status)
                .register(registry);
        }
        Gauge.builder("chorus.cluster.unreachable", cluster, c -> c.state().getUnreachable().size())
            .description("members this node's failure detector finds unreachable").register(registry);
        Map<EntityType, AtomicLong[]> counts = new java.util.EnumMap<>(EntityType.class);
        types.forEach((type, key) -> {
            AtomicLong shards = new AtomicLong();
            AtomicLong entities = new AtomicLong();
            counts.put(type, new AtomicLong[] {shards, entities});
            Gauge.builder("chorus.shards", shards, AtomicLong::get).description("shards hosted on this node")
                .tag("entity", NodeMetrics.label(type)).strongReference(true).register(registry);
            Gauge.builder("chorus.entities", entities, AtomicLong::get).description("entities running on this node")
                .tag("entity", NodeMetrics.label(type)).strongReference(true).register(registry);
        });
        ClusterSharding sharding = ClusterSharding.get(system);
        Runnable refreshAll = () -> types.forEach((type, key) -> AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                sharding.shardState(),
                (ActorRef<ShardRegion.CurrentShardRegionState> replyTo) -> new GetShardRegionState(key, replyTo),
                Duration.ofSeconds(5), system.scheduler())
            .thenAccept(state -> {
                long entities = 0;
                for (ShardRegion.ShardState s : state.getShards()) {
                    entities += s.getEntityIds().size();
                }
                counts.get(type)[0].set(state.getShards().size());
                counts.get(type)[1].set(entities);
            }));
        Cancellable c = system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(1), refresh, refreshAll,
            system.executionContext());
        return new ClusterGauges(c);
    }

    private static double count(Cluster cluster, String status) {
        int n = 0;
        for (Member m : cluster.state().getMembers()) {
            if (m.status().toString().toLowerCase(Locale.ROOT).equals(status)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        refresher.cancel();
    }
}
