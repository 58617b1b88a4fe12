package chorus.persistence.archive;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/** Archives in memory (tests, {@code chorus.storage = memory}); rows older than the retention are dropped. */
public final class InMemoryArchiveStore implements ArchiveStore {
    private final Map<String, NavigableMap<Long, ArchivedRow>> rows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration retention;

    public InMemoryArchiveStore(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    private NavigableMap<Long, ArchivedRow> live(String owner) {
        NavigableMap<Long, ArchivedRow> m = rows.computeIfAbsent(owner, o -> new ConcurrentSkipListMap<>());
        m.values().removeIf(r -> !r.at().plus(retention).isAfter(clock.instant()));
        return m;
    }

    @Override
    public CompletionStage<Void> append(ArchivedRow row) {
        live(row.owner()).put(row.id(), row);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                                   Predicate<String> with, int limit) {
        if (lo > hi) {
            return CompletableFuture.completedFuture(List.of());
        }
        NavigableMap<Long, ArchivedRow> range = live(owner).subMap(lo, true, hi, true);
        List<ArchivedRow> out = new ArrayList<>();
        for (ArchivedRow r : (descending ? range.descendingMap() : range).values()) {
            if (out.size() >= limit) {
                break;
            }
            if (with.test(r.with())) {
                out.add(r);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with) {
        return scan(owner, lo, hi, false, with, Integer.MAX_VALUE).thenApply(List::size);
    }

    @Override
    public CompletionStage<Boolean> contains(String owner, long id) {
        return CompletableFuture.completedFuture(live(owner).containsKey(id));
    }

    @Override
    public CompletionStage<Optional<ArchivedRow>> one(String owner, long id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(live(owner).get(id)));
    }

    @Override
    public CompletionStage<Void> rewrite(ArchivedRow row, Duration remaining) {
        if (!remaining.isNegative() && !remaining.isZero()) {
            live(row.owner()).computeIfPresent(row.id(), (id, old) -> row);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> erase(String owner) {
        rows.remove(owner);
        return CompletableFuture.completedFuture(null);
    }
}
