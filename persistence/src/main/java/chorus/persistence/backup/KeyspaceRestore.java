package chorus.persistence.backup;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Writes a backup's rows into a keyspace that holds none of them yet (its schema applied). A row that
 * expires gets what is left of its life from now ({@code USING TTL}); one whose time is over is not
 * written. Write times are kept. At most {@link #IN_FLIGHT} writes wait at once.
 */
public final class KeyspaceRestore {
    static final int IN_FLIGHT = 64;

    private final CqlSession session;
    private final String keyspace;
    private final Clock clock;

    public KeyspaceRestore(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.keyspace = keyspace;
        this.clock = clock;
    }

    /** Throws when any table a backup fills already has a row: restores go into an empty keyspace only. */
    public void requireEmpty() {
        for (String table : Backup.TABLES) {
            TableMetadata t = meta(table);
            if (t != null && session.execute("SELECT * FROM " + qualified(t) + " LIMIT 1").one() != null) {
                throw new BackupException("table " + keyspace + "." + table + " is not empty: a backup is restored into an "
                    + "empty keyspace (a new cluster, or a new chorus.cassandra.keyspace)");
            }
        }
    }

    private TableMetadata meta(String table) {
        return session.getMetadata().getKeyspace(keyspace).flatMap(k -> k.getTable(table)).orElse(null);
    }

    private String qualified(TableMetadata t) {
        return CqlIdentifier.fromInternal(keyspace).asCql(true) + "." + t.getName().asCql(true);
    }

    TableWriter table(String table, List<Records.Column> columns) {
        TableMetadata t = meta(table);
        if (t == null) {
            throw new BackupException("the keyspace has no table " + table + " (apply the schema first)");
        }
        StringBuilder cql = new StringBuilder("INSERT INTO ").append(qualified(t)).append(" (");
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Records.Column c = columns.get(i);
            ColumnMetadata m = t.getColumn(CqlIdentifier.fromInternal(c.name())).orElseThrow(() ->
                new BackupException("table " + table + " has no column " + c.name() + " here"));
            if (!m.getType().asCql(true, true).equals(c.type())) {
                throw new BackupException("column " + table + "." + c.name() + " is " + m.getType().asCql(true, true)
                    + " here and " + c.type() + " in the backup");
            }
            cql.append(i == 0 ? "" : ", ").append(m.getName().asCql(true));
            marks.append(i == 0 ? "?" : ", ?");
        }
        cql.append(") VALUES (").append(marks).append(") USING TTL ? AND TIMESTAMP ?");
        PreparedStatement insert = session.prepare(cql.toString());
        return new TableWriter(insert, columns.size());
    }

    /** Writes one table's rows, a bounded number at a time. */
    final class TableWriter {
        private final PreparedStatement insert;
        private final int columns;
        private final Deque<CompletionStage<AsyncResultSet>> pending = new ArrayDeque<>();

        TableWriter(PreparedStatement insert, int columns) {
            this.insert = insert;
            this.columns = columns;
        }

        /** False when the row's time is over and it was not written. */
        boolean write(Records.Row row) {
            int ttl = 0;
            if (row.expiresAt() > 0) {
                long left = row.expiresAt() - clock.instant().getEpochSecond();
                if (left <= 0) {
                    return false;
                }
                ttl = (int) Math.min(left, Integer.MAX_VALUE);
            }
            BoundStatementBuilder b = insert.boundStatementBuilder();
            for (int i = 0; i < columns; i++) {
                if (row.values()[i] != null) {
                    b.setBytesUnsafe(i, row.values()[i]);
                }
            }
            b.setInt(columns, ttl);
            b.setLong(columns + 1, row.writetime() != null ? row.writetime() : clock.millis() * 1000);
            pending.add(session.executeAsync(b.build()));
            if (pending.size() >= IN_FLIGHT) {
                pending.poll().toCompletableFuture().join();
            }
            return true;
        }

        void finish() {
            while (!pending.isEmpty()) {
                pending.poll().toCompletableFuture().join();
            }
        }
    }
}
