package chorus.actors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code perSecond} takes on average, up to {@code burst} at once, refilled by the clock.
 * The rate limits (room entries, delivery-failure records) are made of these. Not thread-safe: its owner's.
 */
public final class TokenBucket {
    private final Clock clock;
    private final double perNano;
    private final double burst;
    private double tokens;
    private Instant at;

    public TokenBucket(Clock clock, double perSecond, double burst) {
        this.clock = clock;
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.at = clock.instant();
    }

    /** Takes one if one is left now. */
    public boolean tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether one is left now, taking nothing. */
    public boolean canTake() {
        refill();
        return tokens >= 1;
    }

    private void refill() {
        Instant now = clock.instant();
        long nanos = Math.max(0, Duration.between(at, now).toNanos());
        tokens = Math.min(burst, tokens + nanos * perNano);
        at = now;
    }
}
