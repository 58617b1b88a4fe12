package chorus.persistence.backup;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.ContainerType;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a table's rows a page at a time (bounded memory), each with its expiry and write time taken from
 * the TTL and WRITETIME of its non-collection regular columns (a row written in one statement has one of each).
 */
final class KeyspaceDump {
    static final int PAGE = 200;

    private final CqlSession session;
    private final String keyspace;
    private final Clock clock;

    KeyspaceDump(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.keyspace = keyspace;
        this.clock = clock;
        if (session.getMetadata().getKeyspace(keyspace).isEmpty()) {
            throw new BackupException("keyspace " + keyspace + " does not exist");
        }
    }

    boolean has(String table) {
        return meta(table).isPresent();
    }

    private Optional<TableMetadata> meta(String table) {
        return session.getMetadata().getKeyspace(keyspace).flatMap(k -> k.getTable(table));
    }

    long write(String table, DataOutputStream out) throws IOException {
        TableMetadata t = meta(table).orElseThrow();
        List<Records.Column> columns = new ArrayList<>();
        List<String> timed = new ArrayList<>();
        StringBuilder select = new StringBuilder("SELECT ");
        for (ColumnMetadata c : t.getColumns().values()) {
            boolean key = t.getPrimaryKey().contains(c);
            columns.add(new Records.Column(c.getName().asInternal(), c.getType().asCql(true, true), key));
            if (columns.size() > 1) {
                select.append(", ");
            }
            select.append(c.getName().asCql(true));
            if (!key && !(c.getType() instanceof ContainerType) && !c.getType().asCql(false, false).startsWith("frozen")) {
                timed.add(c.getName().asCql(true));
            }
        }
        for (String c : timed) {
            select.append(", TTL(").append(c).append("), WRITETIME(").append(c).append(")");
        }
        select.append(" FROM ").append(CqlIdentifier.fromInternal(keyspace).asCql(true)).append('.')
            .append(t.getName().asCql(true));
        Records.writeTable(out, table, columns);
        ResultSet rs = session.execute(SimpleStatement.newInstance(select.toString()).setPageSize(PAGE)
            .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        long count = 0;
        int n = columns.size();
        for (Row row : rs) {
            ByteBuffer[] values = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                values[i] = row.getBytesUnsafe(i);
            }
            Integer ttl = null;
            Long writetime = null;
            for (int i = 0; i < timed.size(); i++) {
                if (!row.isNull(n + 2 * i)) {
                    int v = row.getInt(n + 2 * i);
                    ttl = ttl == null ? v : Math.max(ttl, v);
                }
                if (!row.isNull(n + 2 * i + 1)) {
                    long w = row.getLong(n + 2 * i + 1);
                    writetime = writetime == null ? w : Math.max(writetime, w);
                }
            }
            long expiresAt = ttl == null || ttl <= 0 ? 0 : clock.instant().getEpochSecond() + ttl;
            Records.writeRow(out, new Records.Row(values, expiresAt, writetime));
            count++;
        }
        Records.writeTableEnd(out, count);
        return count;
    }
}
