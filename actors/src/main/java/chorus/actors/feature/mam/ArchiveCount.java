package chorus.actors.feature.mam;

import chorus.persistence.archive.ArchiveStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * How many messages one archive (an account's, or a room's) holds, against its limit: learnt from the store once
 * per entity life and counted from there on; past the limit the count is asked again at most once a minute, as old
 * messages expire. Not thread-safe: its owner's, which runs the store's answer on its own thread ({@code pipe}).
 */
public final class ArchiveCount {
    /** Runs the step after the store's answer where the owner runs. */
    public interface Pipe {
        void then(CompletionStage<Integer> stage, BiConsumer<Integer, Throwable> next);
    }

    private static final Duration RECOUNT_AFTER = Duration.ofMinutes(1);

    private final ArchiveStore store;
    private final String owner;
    private final int max;
    private final Clock clock;
    private Integer count;
    private Instant countedAt;
    private boolean counting;
    /** Writes made while the count was being asked: it may not hold them; counted again (at worst twice). */
    private int writtenWhileCounting;

    public ArchiveCount(ArchiveStore store, String owner, int max, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.max = max;
        this.clock = clock;
    }

    /** Whether one more message may be archived (true while the count is not known yet). */
    public boolean underLimit(Pipe pipe) {
        Instant now = clock.instant();
        boolean stale = count != null && count >= max && countedAt.plus(RECOUNT_AFTER).isBefore(now);
        if ((count == null || stale) && !counting) {
            counting = true;
            writtenWhileCounting = 0;
            pipe.then(store.count(owner, 0, Long.MAX_VALUE, w -> true), (n, failure) -> {
                counting = false;
                if (failure == null) {
                    count = n + writtenWhileCounting;
                    countedAt = clock.instant();
                }
            });
        }
        // Until the store answers, no more than the limit are written (the owner's messages may outrun the answer).
        return count == null ? writtenWhileCounting < max : count < max;
    }

    /** The archive was just erased, or never held anything: the count is known without asking. */
    public void empty() {
        count = 0;
        countedAt = clock.instant();
        counting = false;
    }

    /** A message is being written. */
    public void wrote() {
        if (count != null) {
            count++;
        }
        if (counting) {
            writtenWhileCounting++;
        }
    }

    /** A write failed: that message is not there. */
    public void failed() {
        if (count != null) {
            count--;
        }
    }
}
