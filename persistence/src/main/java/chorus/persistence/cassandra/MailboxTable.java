package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;

import java.time.Duration;

/**
 * Keeps the mailbox journal's expiry in line with the offline retention: its rows live exactly the
 * retention ({@code default_time_to_live}), and their tombstones {@code gcGrace}. Applied at every
 * start, after the schema; changes nothing when the table already matches.
 */
public final class MailboxTable {
    public static final String TABLE = "mailbox_messages";

    private MailboxTable() {
    }

    public static void configure(CqlSession session, String keyspace, Duration retention, Duration gcGrace) {
        ExpiringTable.configure(session, keyspace, TABLE, "chorus.offline.retention", retention, gcGrace);
    }
}
