package chorus.persistence.archive;

import chorus.persistence.cassandra.ExpiringTable;
import com.datastax.oss.driver.api.core.CqlSession;

import java.time.Duration;

/** Keeps the archive table's expiry in line with {@code chorus.mam.retention} (see {@link ExpiringTable}). */
public final class ArchiveTable {
    public static final String TABLE = "message_archive";

    private ArchiveTable() {
    }

    public static void configure(CqlSession session, String keyspace, Duration retention, Duration gcGrace) {
        ExpiringTable.configure(session, keyspace, TABLE, "chorus.mam.retention", retention, gcGrace);
    }
}
