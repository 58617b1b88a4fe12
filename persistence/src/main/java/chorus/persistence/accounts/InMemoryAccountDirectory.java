package chorus.persistence.accounts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;

/** A directory held in memory: for unit tests and for a node running on the in-memory journal. */
public final class InMemoryAccountDirectory implements AccountDirectory {
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();

    @Override
    public CompletionStage<Void> add(String bareJid) {
        names.add(bareJid);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove(String bareJid) {
        names.remove(bareJid);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<String>> list() {
        return CompletableFuture.completedFuture(new ArrayList<>(names));
    }
}
