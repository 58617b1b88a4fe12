package chorus.persistence.archive;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The {@code message_archive} table (schema V5): one partition per account. The {@code with} filter is
 * applied here while paging through the partition, which the per-account limit keeps small.
 */
public final class CassandraArchiveStore implements ArchiveStore {
    private static final int FETCH = 200;

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement scanAsc;
    private final PreparedStatement scanDesc;
    private final PreparedStatement withs;
    private final PreparedStatement one;
    private final PreparedStatement erase;
    private final PreparedStatement byId;
    private final PreparedStatement rewrite;

    public CassandraArchiveStore(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + "." + ArchiveTable.TABLE;
        this.insert = session.prepare("INSERT INTO " + t + " (owner, id, at, with_jid, message) VALUES (?, ?, ?, ?, ?)");
        String range = " FROM " + t + " WHERE owner = ? AND id >= ? AND id <= ?";
        this.scanAsc = session.prepare("SELECT id, at, with_jid, message" + range + " ORDER BY id ASC");
        this.scanDesc = session.prepare("SELECT id, at, with_jid, message" + range + " ORDER BY id DESC");
        this.withs = session.prepare("SELECT with_jid" + range);
        this.one = session.prepare("SELECT id FROM " + t + " WHERE owner = ? AND id = ?");
        this.erase = session.prepare("DELETE FROM " + t + " WHERE owner = ?");
        this.byId = session.prepare("SELECT id, at, with_jid, message FROM " + t + " WHERE owner = ? AND id = ?");
        // Only the message cell is written, with the TTL the row has left: the row's other cells and its
        // existence keep their own expiry, so the tombstone goes when the original would have.
        this.rewrite = session.prepare("UPDATE " + t + " USING TTL ? SET message = ? WHERE owner = ? AND id = ?");
    }

    @Override
    public CompletionStage<Void> append(ArchivedRow r) {
        return session.executeAsync(insert.bind(r.owner(), r.id(), r.at(), r.with(), ByteBuffer.wrap(r.message())))
            .thenApply(rs -> null);
    }

    @Override
    public CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                                   Predicate<String> with, int limit) {
        if (lo > hi || limit <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        PreparedStatement ps = descending ? scanDesc : scanAsc;
        List<ArchivedRow> out = new ArrayList<>();
        return session.executeAsync(ps.bind(owner, lo, hi).setPageSize(FETCH))
            .thenCompose(rs -> collect(rs, owner, with, limit, out));
    }

    private CompletionStage<List<ArchivedRow>> collect(AsyncResultSet rs, String owner, Predicate<String> with,
                                                       int limit, List<ArchivedRow> out) {
        for (Row row : rs.currentPage()) {
            String w = row.getString("with_jid");
            if (with.test(w)) {
                out.add(new ArchivedRow(owner, row.getLong("id"), row.getInstant("at"), w,
                    bytes(row.getByteBuffer("message"))));
                if (out.size() >= limit) {
                    return CompletableFuture.completedFuture(out);
                }
            }
        }
        if (!rs.hasMorePages()) {
            return CompletableFuture.completedFuture(out);
        }
        return rs.fetchNextPage().thenCompose(next -> collect(next, owner, with, limit, out));
    }

    @Override
    public CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with) {
        if (lo > hi) {
            return CompletableFuture.completedFuture(0);
        }
        return session.executeAsync(withs.bind(owner, lo, hi).setPageSize(1000)).thenCompose(rs -> countPages(rs, with, 0));
    }

    private CompletionStage<Integer> countPages(AsyncResultSet rs, Predicate<String> with, int sofar) {
        int n = sofar;
        for (Row row : rs.currentPage()) {
            if (with.test(row.getString(0))) {
                n++;
            }
        }
        if (!rs.hasMorePages()) {
            return CompletableFuture.completedFuture(n);
        }
        int total = n;
        return rs.fetchNextPage().thenCompose(next -> countPages(next, with, total));
    }

    @Override
    public CompletionStage<Boolean> contains(String owner, long id) {
        return session.executeAsync(one.bind(owner, id)).thenApply(rs -> rs.one() != null);
    }

    @Override
    public CompletionStage<Optional<ArchivedRow>> one(String owner, long id) {
        return session.executeAsync(byId.bind(owner, id)).thenApply(rs -> Optional.ofNullable(rs.one())
            .map(r -> new ArchivedRow(owner, r.getLong("id"), r.getInstant("at"), r.getString("with_jid"),
                bytes(r.getByteBuffer("message")))));
    }

    @Override
    public CompletionStage<Void> rewrite(ArchivedRow r, Duration remaining) {
        int ttl = (int) Math.min(Integer.MAX_VALUE, remaining.toSeconds());
        if (ttl < 1) {
            return CompletableFuture.completedFuture(null);
        }
        return session.executeAsync(rewrite.bind(ttl, ByteBuffer.wrap(r.message()), r.owner(), r.id()))
            .thenApply(rs -> null);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Override
    public CompletionStage<Void> erase(String owner) {
        return session.executeAsync(erase.bind(owner)).thenApply(rs -> null);
    }
}
