package chorus.persistence.archive;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Where the users' archived messages live, one partition per account ordered by archive id. Rows
 * expire with the archive retention without anyone deleting them. Id ranges are inclusive. A room's archive
 * (XEP-0313 on a chat room) is the partition of the room's address.
 */
public interface ArchiveStore {

    CompletionStage<Void> append(ArchivedRow row);

    /** At most {@code limit} rows of the owner with ids in [lo, hi] whose other party passes {@code with}. */
    CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                            Predicate<String> with, int limit);

    /** How many rows of the owner in [lo, hi] pass {@code with}. */
    CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with);

    CompletionStage<Boolean> contains(String owner, long id);

    /** The owner's row with this id, if it is there (not expired, not erased). */
    CompletionStage<Optional<ArchivedRow>> one(String owner, long id);

    /**
     * Writes another message over the row's (a tombstone, XEP-0425), to expire in {@code remaining}: the time the
     * row had left, so a rewrite never keeps anything past the retention. Does nothing when {@code remaining} is
     * not positive.
     */
    CompletionStage<Void> rewrite(ArchivedRow row, Duration remaining);

    /** Deletes the owner's whole archive. Idempotent. */
    CompletionStage<Void> erase(String owner);
}
