package chorus.actors.muc;

import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.ArchivedRow;
import chorus.persistence.archive.InMemoryArchiveStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An archive in memory whose reads answer late, on another thread, as Cassandra's do. */
final class SlowArchiveStore implements ArchiveStore {
    private final InMemoryArchiveStore rows;
    private final long delayMillis;

    SlowArchiveStore(Clock clock, long delayMillis) {
        this.rows = new InMemoryArchiveStore(clock, Duration.ofHours(72));
        this.delayMillis = delayMillis;
    }

    private <T> CompletionStage<T> late(CompletionStage<T> answer) {
        return answer.thenApplyAsync(r -> r, CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
    }

    @Override
    public CompletionStage<Void> append(ArchivedRow row) {
        return late(rows.append(row));
    }

    @Override
    public CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                                   Predicate<String> with, int limit) {
        return late(rows.scan(owner, lo, hi, descending, with, limit));
    }

    @Override
    public CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with) {
        return late(rows.count(owner, lo, hi, with));
    }

    @Override
    public CompletionStage<Boolean> contains(String owner, long id) {
        return late(rows.contains(owner, id));
    }

    @Override
    public CompletionStage<Optional<ArchivedRow>> one(String owner, long id) {
        return late(rows.one(owner, id));
    }

    @Override
    public CompletionStage<Void> rewrite(ArchivedRow row, Duration remaining) {
        return late(rows.rewrite(row, remaining));
    }

    @Override
    public CompletionStage<Void> erase(String owner) {
        return late(rows.erase(owner));
    }
}
