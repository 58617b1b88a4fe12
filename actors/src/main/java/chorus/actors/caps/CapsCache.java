package chorus.actors.caps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verified disco#info features by caps hash (XEP-0115 §6.3: "cache"), shared by the account entities of one node so
 * that a client version is asked once, not once per contact. Only answers that hashed to their verification string
 * go in, so no client can make another's look different. Least recently used entries leave first.
 */
public final class CapsCache {
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private final Map<String, Set<String>> entries;

    public CapsCache() {
        this(DEFAULT_MAX_ENTRIES);
    }

    public CapsCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    public synchronized Optional<Set<String>> features(Caps caps) {
        return caps.verifiable() ? Optional.ofNullable(entries.get(caps.key())) : Optional.empty();
    }

    /** Keeps the features of a verified answer ({@link CapsVerifier#verifies}). */
    public synchronized void put(Caps caps, Set<String> features) {
        if (caps.verifiable()) {
            entries.put(caps.key(), Set.copyOf(features));
        }
    }
}
