package chorus.persistence.diagnostics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code delivery_errors} table: one partition per UTC day, newest first within it. Every row is
 * written with a TTL of the retention, so Cassandra drops it exactly that long after it was written.
 */
public final class CassandraDiagnosticsStore implements DiagnosticsStore {
    public static final String TABLE = "delivery_errors";
    private final CqlSession session;
    private final int ttl;
    private final PreparedStatement insert;
    private final PreparedStatement selectDay;
    private final PreparedStatement dropDay;
    private final PreparedStatement days;

    public CassandraDiagnosticsStore(CqlSession session, String keyspace, java.time.Duration retention) {
        this.session = session;
        this.ttl = (int) Math.max(1, Math.min(Integer.MAX_VALUE, retention.toSeconds()));
        String t = keyspace + "." + TABLE;
        this.insert = session.prepare("INSERT INTO " + t
            + " (day, at, id, sender, recipient, kind, type, condition, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " USING TTL ?");
        this.selectDay = session.prepare("SELECT at, sender, recipient, kind, type, condition, node FROM " + t
            + " WHERE day = ? AND at >= ?");
        this.dropDay = session.prepare("DELETE FROM " + t + " WHERE day = ?");
        this.days = session.prepare("SELECT DISTINCT day FROM " + t);
    }

    @Override
    public CompletionStage<Void> record(DeliveryFailure f) {
        return session.executeAsync(insert.bind(LocalDate.ofInstant(f.at(), ZoneOffset.UTC), f.at(),
                Uuids.timeBased(), f.sender(), f.recipient(), f.kind(), f.type(), f.condition(), f.node(), ttl))
            .thenApply(r -> null);
    }

    @Override
    public CompletionStage<List<DeliveryFailure>> query(Instant since, String jid, int limit) {
        return days().thenCompose(all -> {
            List<LocalDate> wanted = new ArrayList<>();
            LocalDate first = LocalDate.ofInstant(since, ZoneOffset.UTC);
            for (LocalDate d : all) {
                if (!d.isBefore(first)) {
                    wanted.add(0, d);
                }
            }
            return collect(wanted, 0, since, jid, limit, new ArrayList<>());
        });
    }

    private CompletionStage<List<DeliveryFailure>> collect(List<LocalDate> daysNewestFirst, int i, Instant since,
                                                          String jid, int limit, List<DeliveryFailure> out) {
        if (i >= daysNewestFirst.size() || out.size() >= limit) {
            return CompletableFuture.completedFuture(out);
        }
        return session.executeAsync(selectDay.bind(daysNewestFirst.get(i), since))
            .thenCompose(rs -> rows(rs, jid, limit, out))
            .thenCompose(done -> collect(daysNewestFirst, i + 1, since, jid, limit, out));
    }

    private CompletionStage<List<DeliveryFailure>> rows(AsyncResultSet rs, String jid, int limit, List<DeliveryFailure> out) {
        for (Row r : rs.currentPage()) {
            DeliveryFailure f = new DeliveryFailure(r.getInstant("at"), r.getString("sender"), r.getString("recipient"),
                r.getString("kind"), r.getString("type"), r.getString("condition"), r.getString("node"));
            if (out.size() < limit && Diagnostics.names(f, jid)) {
                out.add(f);
            }
        }
        if (rs.hasMorePages() && out.size() < limit) {
            return rs.fetchNextPage().thenCompose(next -> rows(next, jid, limit, out));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Set<LocalDate>> days() {
        return session.executeAsync(days.bind()).thenCompose(rs -> dayRows(rs, new TreeSet<>()));
    }

    private CompletionStage<Set<LocalDate>> dayRows(AsyncResultSet rs, Set<LocalDate> out) {
        for (Row r : rs.currentPage()) {
            out.add(r.getLocalDate(0));
        }
        if (rs.hasMorePages()) {
            return rs.fetchNextPage().thenCompose(next -> dayRows(next, out));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> dropDay(LocalDate day) {
        return session.executeAsync(dropDay.bind(day)).thenApply(r -> null);
    }
}
