package chorus.persistence.mailbox;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a mailbox's delivered rows from {@code mailbox_messages} in the plugin's layout (partitions of
 * {@code targetPartitionSize} sequence numbers). Asynchronous; a failure is logged and the rows still
 * expire with the table's TTL.
 */
public final class MailboxRows {
    private static final Logger log = LoggerFactory.getLogger(MailboxRows.class);

    private final CqlSession session;
    private final PreparedStatement delete;
    private final long targetPartitionSize;

    public MailboxRows(CqlSession session, String keyspace, long targetPartitionSize) {
        this.session = session;
        this.targetPartitionSize = targetPartitionSize;
        this.delete = session.prepare("DELETE FROM " + keyspace
            + ".mailbox_messages WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr <= ?");
    }

    public void eraseUpTo(String persistenceId, long toSequenceNr) {
        long last = (toSequenceNr - 1) / targetPartitionSize;
        for (long p = 0; p <= last; p++) {
            session.executeAsync(delete.bind(persistenceId, p, toSequenceNr)).whenComplete((r, e) -> {
                if (e != null) {
                    log.warn("erasing delivered offline messages failed ({}); their rows expire anyway",
                        e.getClass().getSimpleName());
                }
            });
        }
    }
}
