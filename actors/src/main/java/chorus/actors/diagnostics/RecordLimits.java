package chorus.actors.diagnostics;

import chorus.actors.TokenBucket;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many delivery-failure records may be written now: a token bucket per sender (its bare address, or
 * none) refilled at {@code perSenderPerMinute}, and one for the node refilled at {@code perNodePerSecond}
 * (each holds one interval's worth). A flood of failures, by one sender or many, so writes at most the
 * node's rate into the day's partition; what is over is only counted. The senders' buckets live in memory,
 * the least recently used dropped beyond {@link #MAX_SENDERS}.
 */
final class RecordLimits {
    static final int MAX_SENDERS = 10_000;

    private final Clock clock;
    private final int perSenderPerMinute;
    private final int perNodePerSecond;
    private final TokenBucket node;
    private final Map<String, TokenBucket> senders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    RecordLimits(Clock clock, int perSenderPerMinute, int perNodePerSecond) {
        this.clock = clock;
        this.perSenderPerMinute = perSenderPerMinute;
        this.perNodePerSecond = perNodePerSecond;
        this.node = new TokenBucket(clock, perNodePerSecond, perNodePerSecond);
    }

    /** Whether a record of this sender may be written now; takes a token from both buckets if so. */
    synchronized boolean allow(String sender) {
        TokenBucket s = senders.computeIfAbsent(sender == null ? "" : sender,
            k -> new TokenBucket(clock, perSenderPerMinute / 60.0, perSenderPerMinute));
        // The node's bucket first, so that a record refused by it takes nothing from the sender's.
        return node.canTake() && s.tryTake() && node.tryTake();
    }
}
