package chorus.actors.diagnostics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    private final Bucket node;
    private final Map<String, Bucket> senders = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_SENDERS;
        }
    };

    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }

        boolean take(Instant now, double capacity, double perNano) {
            long nanos = Math.max(0, Duration.between(at, now).toNanos());
            tokens = Math.min(capacity, tokens + nanos * perNano);
            at = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    RecordLimits(Clock clock, int perSenderPerMinute, int perNodePerSecond) {
        this.clock = clock;
        this.perSenderPerMinute = perSenderPerMinute;
        this.perNodePerSecond = perNodePerSecond;
        this.node = new Bucket(perNodePerSecond, clock.instant());
    }

    /** Whether a record of this sender may be written now; takes a token from both buckets if so. */
    synchronized boolean allow(String sender) {
        Instant now = clock.instant();
        Bucket s = senders.computeIfAbsent(sender == null ? "" : sender, k -> new Bucket(perSenderPerMinute, now));
        double senderRate = perSenderPerMinute / 60e9;
        double nodeRate = perNodePerSecond / 1e9;
        // Peek at the node's bucket first, so that a refused record takes no token from the sender's.
        long nanos = Math.max(0, Duration.between(node.at, now).toNanos());
        if (Math.min(perNodePerSecond, node.tokens + nanos * nodeRate) < 1) {
            return false;
        }
        if (!s.take(now, perSenderPerMinute, senderRate)) {
            return false;
        }
        return node.take(now, perNodePerSecond, nodeRate);
    }
}
