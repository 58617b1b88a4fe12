package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A table whose rows hold message text and must leave the disk after a retention: its rows live exactly
 * the retention ({@code default_time_to_live}), and their tombstones {@code gcGrace}. Applied at every
 * start, after the schema; changes nothing when the table already matches.
 */
public final class ExpiringTable {
    private static final Logger log = LoggerFactory.getLogger(ExpiringTable.class);

    private ExpiringTable() {
    }

    /** {@code setting} names the retention's setting in the error for a bad value. */
    public static void configure(CqlSession session, String keyspace, String table, String setting,
                                 Duration retention, Duration gcGrace) {
        long ttl = retention.toSeconds();
        long grace = gcGrace.toSeconds();
        if (ttl < 1 || ttl > 630_720_000L) {
            throw new IllegalArgumentException(setting + " must be between 1 s and 20 years");
        }
        Row row = session.execute(SimpleStatement.newInstance(
            "SELECT default_time_to_live, gc_grace_seconds FROM system_schema.tables "
                + "WHERE keyspace_name = ? AND table_name = ?", keyspace, table)).one();
        if (row == null) {
            throw new IllegalStateException("table " + keyspace + "." + table + " is missing: apply the schema first");
        }
        if (row.getInt(0) == ttl && row.getInt(1) == grace) {
            return;
        }
        session.execute(SimpleStatement.newInstance("ALTER TABLE " + keyspace + "." + table
                + " WITH default_time_to_live = " + ttl + " AND gc_grace_seconds = " + grace)
            .setTimeout(Duration.ofSeconds(60)));
        log.info("{} rows now expire after {} s, tombstones are kept {} s", table, ttl, grace);
    }
}
