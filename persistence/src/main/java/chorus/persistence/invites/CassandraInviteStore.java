package chorus.persistence.invites;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code invites} and {@code invites_by_inviter} tables (schema V8). Rows are written {@code USING TTL} of the
 * invite's validity; a take is a lightweight transaction ({@code DELETE ... IF EXISTS}, serial consistency), so two
 * nodes redeeming one token at once cannot both get it.
 */
public final class CassandraInviteStore implements InviteStore {
    private final CqlSession session;
    private final Clock clock;
    private final PreparedStatement insert;
    private final PreparedStatement insertByInviter;
    private final PreparedStatement select;
    private final PreparedStatement takeOne;
    private final PreparedStatement deleteByInviter;
    private final PreparedStatement selectByInviter;
    private final PreparedStatement deleteOne;
    private final PreparedStatement deleteInviter;

    public CassandraInviteStore(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.clock = clock;
        String t = keyspace + ".invites";
        String b = keyspace + ".invites_by_inviter";
        this.insert = session.prepare("INSERT INTO " + t
            + " (token_hash, kind, inviter, created_at, expires_at) VALUES (?, ?, ?, ?, ?) USING TTL ?");
        this.insertByInviter = session.prepare("INSERT INTO " + b
            + " (inviter, token_hash, expires_at) VALUES (?, ?, ?) USING TTL ?");
        this.select = session.prepare("SELECT kind, inviter, created_at, expires_at FROM " + t + " WHERE token_hash = ?");
        this.takeOne = session.prepare("DELETE FROM " + t + " WHERE token_hash = ? IF EXISTS");
        this.deleteOne = session.prepare("DELETE FROM " + t + " WHERE token_hash = ?");
        this.deleteByInviter = session.prepare("DELETE FROM " + b + " WHERE inviter = ? AND token_hash = ?");
        this.selectByInviter = session.prepare("SELECT token_hash, expires_at FROM " + b + " WHERE inviter = ?");
        this.deleteInviter = session.prepare("DELETE FROM " + b + " WHERE inviter = ?");
    }

    @Override
    public CompletionStage<Void> put(StoredInvite i) {
        int ttl = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
            Duration.between(clock.instant(), i.expiresAt()).toSeconds()));
        CompletionStage<AsyncResultSet> row = session.executeAsync(insert.bind(i.tokenHash(), i.kind(), i.inviter(),
            i.createdAt(), i.expiresAt(), ttl).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        if (i.inviter() == null) {
            return row.thenApply(r -> null);
        }
        return row.thenCompose(r -> session.executeAsync(insertByInviter.bind(i.inviter(), i.tokenHash(),
            i.expiresAt(), ttl).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Optional<StoredInvite>> find(String tokenHash) {
        // SERIAL: sees a take that just won on another node.
        return session.executeAsync(select.bind(tokenHash).setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))
            .thenApply(rs -> Optional.ofNullable(rs.one()).map(r -> invite(tokenHash, r))
                .filter(i -> i.validAt(clock.instant())));
    }

    @Override
    public CompletionStage<Optional<StoredInvite>> take(String tokenHash) {
        return find(tokenHash).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<StoredInvite>empty());
            }
            StoredInvite i = found.get();
            return session.executeAsync(takeOne.bind(tokenHash).setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL)
                    .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                .thenCompose(rs -> {
                    if (!rs.wasApplied()) {
                        return CompletableFuture.completedFuture(Optional.<StoredInvite>empty());
                    }
                    CompletionStage<?> unlisted = i.inviter() == null ? CompletableFuture.completedFuture(null)
                        : session.executeAsync(deleteByInviter.bind(i.inviter(), tokenHash));
                    return unlisted.thenApply(x -> Optional.of(i));
                });
        });
    }

    @Override
    public CompletionStage<Integer> openBy(String inviter) {
        return session.executeAsync(selectByInviter.bind(inviter)).thenCompose(rs -> hashes(rs, new ArrayList<>(), true))
            .thenApply(List::size);
    }

    @Override
    public CompletionStage<Void> eraseInviter(String inviter) {
        return session.executeAsync(selectByInviter.bind(inviter)).thenCompose(rs -> hashes(rs, new ArrayList<>(), false))
            .thenCompose(all -> {
                List<CompletableFuture<?>> deletes = new ArrayList<>();
                for (String h : all) {
                    deletes.add(session.executeAsync(deleteOne.bind(h)).toCompletableFuture());
                }
                return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
            })
            .thenCompose(v -> session.executeAsync(deleteInviter.bind(inviter))).thenApply(r -> null);
    }

    private CompletionStage<List<String>> hashes(AsyncResultSet rs, List<String> out, boolean validOnly) {
        Instant now = clock.instant();
        for (Row r : rs.currentPage()) {
            Instant until = r.getInstant("expires_at");
            if (!validOnly || until == null || until.isAfter(now)) {
                out.add(r.getString("token_hash"));
            }
        }
        if (rs.hasMorePages()) {
            return rs.fetchNextPage().thenCompose(next -> hashes(next, out, validOnly));
        }
        return CompletableFuture.completedFuture(out);
    }

    private static StoredInvite invite(String hash, Row r) {
        return new StoredInvite(hash, r.getString("kind"), r.getString("inviter"), r.getInstant("created_at"),
            r.getInstant("expires_at"));
    }
}
