package chorus.node.metrics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether this node should get clients ({@code GET /ready} on the admin port): it is an Up member of its
 * cluster, each of its shard regions is registered with its type's coordinator (so entities can be placed
 * here and found from here), and Cassandra answers a query. Each part is checked afresh, within a few
 * seconds; any failure or timeout counts as not ready.
 */
public final class Readiness {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final SimpleStatement PING =
        SimpleStatement.newInstance("SELECT release_version FROM system.local").setTimeout(TIMEOUT);

    private final ActorSystem<?> system;
    private final List<String> entityTypes;
    private final CqlSession session;

    /** {@code session} null: the node keeps its data in memory and has no Cassandra to ask. */
    public Readiness(ActorSystem<?> system, List<String> entityTypes, CqlSession session) {
        this.system = system;
        this.entityTypes = List.copyOf(entityTypes);
        this.session = session;
    }

    /** The state of each part. Names no address. */
    public record Report(boolean member, boolean shardRegions, boolean cassandra) {
        public boolean ready() {
            return member && shardRegions && cassandra;
        }
    }

    public CompletionStage<Report> check() {
        boolean up = Cluster.get(system).selfMember().status().equals(MemberStatus.up());
        CompletableFuture<Boolean> regions = up ? regionsRegistered() : CompletableFuture.completedFuture(false);
        CompletableFuture<Boolean> cassandra = cassandraAnswers();
        return regions.thenCombine(cassandra, (r, c) -> new Report(up, r, c));
    }

    private CompletableFuture<Boolean> regionsRegistered() {
        Address self = Cluster.get(system).selfMember().address();
        ClusterSharding sharding = ClusterSharding.get(system.classicSystem());
        List<CompletableFuture<Boolean>> asks = new ArrayList<>();
        for (String type : entityTypes) {
            // The region forwards this to its coordinator, which answers with every region registered with it.
            asks.add(Patterns.ask(sharding.shardRegion(type), ShardRegion.getCurrentRegionsInstance(), TIMEOUT)
                .toCompletableFuture()
                .thenApply(r -> r instanceof ShardRegion.CurrentRegions c && c.getRegions().contains(self))
                .exceptionally(e -> false));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
            .thenApply(v -> asks.stream().allMatch(CompletableFuture::join));
    }

    private CompletableFuture<Boolean> cassandraAnswers() {
        if (session == null) {
            return CompletableFuture.completedFuture(true);
        }
        try {
            return session.executeAsync(PING).toCompletableFuture()
                .thenApply(rs -> rs.one() != null)
                .exceptionally(e -> false);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }
}
