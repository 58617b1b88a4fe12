package chorus.persistence.accounts;

import chorus.persistence.cassandra.Pages;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The account directory in the {@code accounts} table, spread over {@value #BUCKETS} partitions. */
public final class CassandraAccountDirectory implements AccountDirectory {
    static final int BUCKETS = 16;

    private final CqlSession session;
    private final Clock clock;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement select;

    public CassandraAccountDirectory(CqlSession session, String keyspace, Clock clock) {
        this.session = session;
        this.clock = clock;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".accounts (bucket, jid, created_at) VALUES (?, ?, ?)");
        this.delete = session.prepare("DELETE FROM " + keyspace + ".accounts WHERE bucket = ? AND jid = ?");
        this.select = session.prepare("SELECT jid FROM " + keyspace + ".accounts WHERE bucket = ?");
    }

    static int bucket(String jid) {
        return Math.floorMod(jid.hashCode(), BUCKETS);
    }

    @Override
    public CompletionStage<Void> add(String bareJid) {
        return session.executeAsync(insert.bind(bucket(bareJid), bareJid, clock.instant())).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Void> remove(String bareJid) {
        return session.executeAsync(delete.bind(bucket(bareJid), bareJid)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<List<String>> list() {
        List<CompletableFuture<List<String>>> parts = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            parts.add(session.executeAsync(select.bind(b)).thenCompose(CassandraAccountDirectory::all).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> out = new ArrayList<>();
            for (CompletableFuture<List<String>> p : parts) {
                out.addAll(p.join());
            }
            Collections.sort(out);
            return out;
        });
    }

    private static CompletionStage<List<String>> all(AsyncResultSet rs) {
        List<String> out = new ArrayList<>();
        return Pages.each(rs, row -> out.add(row.getString(0))).thenApply(done -> out);
    }
}
