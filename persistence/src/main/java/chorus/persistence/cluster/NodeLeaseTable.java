package chorus.persistence.cluster;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import chorus.persistence.cassandra.Pages;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The {@code node_leases} table: one row per running node incarnation, written again and again with a short TTL.
 * A row expires on each replica a TTL after that replica received its last write, so it outlives anything its node
 * believed from the write's start: a row that is gone means its node's belief ran out. Reads and writes are at
 * LOCAL_QUORUM, so a row one node wrote is seen by every other node's read.
 */
public final class NodeLeaseTable {
    private final CqlSession session;
    private final Clock clock;
    private final PreparedStatement renew;
    private final PreparedStatement delete;
    private final PreparedStatement all;

    public NodeLeaseTable(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.clock = clock;
        String table = keyspace + ".node_leases";
        this.renew = session.prepare("INSERT INTO " + table + " (node, renewed_at) VALUES (?, ?) USING TTL ?");
        this.delete = session.prepare("DELETE FROM " + table + " WHERE node = ?");
        this.all = session.prepare("SELECT node FROM " + table);
    }

    /** Writes this node's row again, to live {@code ttl} (whole seconds, at least one) from its arrival. */
    public CompletionStage<Void> renew(String node, Duration ttl) {
        int seconds = (int) Math.max(1, ttl.toSeconds());
        return session.executeAsync(renew.bind(node, clock.instant(), seconds)
                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenApply(r -> null);
    }

    /** The node gives its lease up (it has stopped its entities and is leaving). */
    public CompletionStage<Void> remove(String node) {
        return session.executeAsync(delete.bind(node).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenApply(r -> null);
    }

    /** The nodes whose rows are there now: their leases may still run. */
    public CompletionStage<Set<String>> live() {
        return session.executeAsync(all.bind().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenCompose(rs -> {
                Set<String> out = new HashSet<>();
                return Pages.each(rs, row -> out.add(row.getString(0))).thenApply(done -> out);
            });
    }
}
