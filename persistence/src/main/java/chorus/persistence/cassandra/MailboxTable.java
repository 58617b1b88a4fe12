package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Keeps the mailbox journal's expiry in line with the offline retention: its rows live exactly the
 * retention ({@code default_time_to_live}), and their tombstones {@code gcGrace}. Applied at every
 * start, after the schema; changes nothing when the table already matches.
 */
public final class MailboxTable {
    private static final Logger log = LoggerFactory.getLogger(MailboxTable.class);
    public static final String TABLE = "mailbox_messages";

    private MailboxTable() {
    }

    public static void configure(CqlSession session, String keyspace, Duration retention, Duration gcGrace) {
        long ttl = retention.toSeconds();
        long grace = gcGrace.toSeconds();
        if (ttl < 1 || ttl > 630_720_000L) {
            throw new IllegalArgumentException("chorus.offline.retention must be between 1 s and 20 years");
        }
        Row row = session.execute(SimpleStatement.newInstance(
            "SELECT default_time_to_live, gc_grace_seconds FROM system_schema.tables "
                + "WHERE keyspace_name = ? AND table_name = ?", keyspace, TABLE)).one();
        if (row == null) {
            throw new IllegalStateException("table " + keyspace + "." + TABLE + " is missing: apply the schema first");
        }
        if (row.getInt(0) == ttl && row.getInt(1) == grace) {
            return;
        }
        session.execute(SimpleStatement.newInstance("ALTER TABLE " + keyspace + "." + TABLE
                + " WITH default_time_to_live = " + ttl + " AND gc_grace_seconds = " + grace)
            .setTimeout(Duration.ofSeconds(60)));
        log.info("mailbox rows now expire after {} s, tombstones are kept {} s", ttl, grace);
    }
}
