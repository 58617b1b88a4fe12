package chorus.persistence.mailbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Notices in memory, each until its time to live ends: for unit tests and memory storage. */
public final class InMemoryNoticeStore implements NoticeStore {
    private record Kept(byte[] notice, Instant until) {
    }

    private final Clock clock;
    private final Map<String, Map<String, Kept>> byOwner = new ConcurrentHashMap<>();

    public InMemoryNoticeStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> put(String owner, String key, byte[] notice, Duration ttl) {
        byOwner.computeIfAbsent(owner, o -> new ConcurrentHashMap<>()).put(key, new Kept(notice, clock.instant().plus(ttl)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Map<String, byte[]>> all(String owner) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Instant now = clock.instant();
        byOwner.getOrDefault(owner, Map.of()).forEach((k, v) -> {
            if (v.until().isAfter(now)) {
                out.put(k, v.notice());
            }
        });
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> delete(String owner, String key) {
        Map<String, Kept> m = byOwner.get(owner);
        if (m != null) {
            m.remove(key);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> erase(String owner) {
        byOwner.remove(owner);
        return CompletableFuture.completedFuture(null);
    }
}
