package chorus.persistence.mailbox;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code mailbox_notices} table (schema V7): one partition per account, a row per notice written with
 * {@code USING TTL} of its retention, so Cassandra drops it then whether or not the mailbox ever runs again.
 */
public final class CassandraNoticeStore implements NoticeStore {
    public static final String TABLE = "mailbox_notices";

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement deleteOne;
    private final PreparedStatement deleteAll;

    public CassandraNoticeStore(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + "." + TABLE;
        this.insert = session.prepare("INSERT INTO " + t + " (owner, key, notice) VALUES (?, ?, ?) USING TTL ?");
        this.select = session.prepare("SELECT key, notice FROM " + t + " WHERE owner = ?");
        this.deleteOne = session.prepare("DELETE FROM " + t + " WHERE owner = ? AND key = ?");
        this.deleteAll = session.prepare("DELETE FROM " + t + " WHERE owner = ?");
    }

    @Override
    public CompletionStage<Void> put(String owner, String key, byte[] notice, Duration ttl) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ttl.toSeconds()));
        return session.executeAsync(insert.bind(owner, key, ByteBuffer.wrap(notice), seconds)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Map<String, byte[]>> all(String owner) {
        return session.executeAsync(select.bind(owner)).thenCompose(rs -> rows(rs, new LinkedHashMap<>()));
    }

    private CompletionStage<Map<String, byte[]>> rows(AsyncResultSet rs, Map<String, byte[]> out) {
        for (Row r : rs.currentPage()) {
            ByteBuffer b = r.getByteBuffer("notice");
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            out.put(r.getString("key"), bytes);
        }
        if (rs.hasMorePages()) {
            return rs.fetchNextPage().thenCompose(next -> rows(next, out));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> delete(String owner, String key) {
        return session.executeAsync(deleteOne.bind(owner, key)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Void> erase(String owner) {
        return session.executeAsync(deleteAll.bind(owner)).thenApply(r -> null);
    }
}
