package chorus.persistence.invites;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Invites in memory, each until it expires: for unit tests and memory storage (one node only). */
public final class InMemoryInviteStore implements InviteStore {
    private final Clock clock;
    private final ConcurrentMap<String, StoredInvite> byHash = new ConcurrentHashMap<>();

    public InMemoryInviteStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> put(StoredInvite invite) {
        byHash.put(invite.tokenHash(), invite);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<StoredInvite>> find(String tokenHash) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byHash.get(tokenHash))
            .filter(i -> i.validAt(clock.instant())));
    }

    @Override
    public CompletionStage<Optional<StoredInvite>> take(String tokenHash) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byHash.remove(tokenHash))
            .filter(i -> i.validAt(clock.instant())));
    }

    @Override
    public CompletionStage<Integer> openBy(String inviter) {
        return CompletableFuture.completedFuture((int) byHash.values().stream()
            .filter(i -> inviter.equals(i.inviter()) && i.validAt(clock.instant())).count());
    }

    @Override
    public CompletionStage<Void> eraseInviter(String inviter) {
        byHash.values().removeIf(i -> inviter.equals(i.inviter()));
        return CompletableFuture.completedFuture(null);
    }
}
