package chorus.persistence.accounts;

import chorus.persistence.cassandra.Pages;
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The accounts whose removal is not finished, in the {@code account_erasures} table: written before anything of the
 * account is erased, deleted once all of it is. What stays there was cut off half way (the node died, Cassandra
 * failed) and is erased again; its name cannot be registered meanwhile, so a new account never shares a journal with
 * an old one. Reads and writes are at LOCAL_QUORUM: every node must see a row another node wrote.
 */
public final class ErasureLedger {
    private final CqlSession session;
    private final Clock clock;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement selectOne;
    private final PreparedStatement selectAll;

    public ErasureLedger(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.clock = clock;
        String table = keyspace + ".account_erasures";
        this.insert = session.prepare("INSERT INTO " + table + " (jid, removed_at) VALUES (?, ?)");
        this.delete = session.prepare("DELETE FROM " + table + " WHERE jid = ?");
        this.selectOne = session.prepare("SELECT removed_at FROM " + table + " WHERE jid = ?");
        this.selectAll = session.prepare("SELECT jid, removed_at FROM " + table);
    }

    /** Records that this account's removal has begun; its erasure is owed until {@link #done}. */
    public CompletionStage<Void> begin(String bareJid) {
        return session.executeAsync(insert.bind(bareJid, clock.instant()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenApply(r -> null);
    }

    /** Everything of the account is erased: the row, and with it the name, goes. */
    public CompletionStage<Void> done(String bareJid) {
        return session.executeAsync(delete.bind(bareJid).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenApply(r -> null);
    }

    /** Whether this account's erasure is owed (its name is not free yet). */
    public CompletionStage<Boolean> owed(String bareJid) {
        return session.executeAsync(selectOne.bind(bareJid).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenApply(rs -> rs.one() != null);
    }

    /** The accounts whose removal began before {@code before} and is still owed. */
    public CompletionStage<List<String>> owedSince(Instant before) {
        return session.executeAsync(selectAll.bind().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
            .thenCompose(rs -> {
                List<String> out = new ArrayList<>();
                return Pages.each(rs, row -> {
                    Instant at = row.getInstant(1);
                    if (at == null || at.isBefore(before)) {
                        out.add(row.getString(0));
                    }
                }).thenApply(done -> out);
            });
    }
}
