package chorus.persistence.archive;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Where the users' archived messages live, one partition per account ordered by archive id. Rows
 * expire with the archive retention without anyone deleting them. Id ranges are inclusive.
 */
public interface ArchiveStore {

    CompletionStage<Void> append(ArchivedRow row);

    /** At most {@code limit} rows of the owner with ids in [lo, hi] whose other party passes {@code with}. */
    CompletionStage<List<ArchivedRow>> scan(String owner, long lo, long hi, boolean descending,
                                            Predicate<String> with, int limit);

    /** How many rows of the owner in [lo, hi] pass {@code with}. */
    CompletionStage<Integer> count(String owner, long lo, long hi, Predicate<String> with);

    CompletionStage<Boolean> contains(String owner, long id);

    /** Deletes the owner's whole archive. Idempotent. */
    CompletionStage<Void> erase(String owner);
}
