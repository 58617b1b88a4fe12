package chorus.node.session;

import chorus.node.config.SessionLimits;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How fast one bound session's client may send: two token buckets, one of top-level elements (stanzas, XEP-0198
 * elements and the like) and one of their bytes, each filling at its rate up to its burst. A client may run into
 * debt by one element; what it sends next then waits in its session until the debt is paid (see {@link Pacing}).
 * Plain state, no I/O; the session calls it on its own thread.
 */
public final class StanzaRate {
    private final SessionLimits.Rate rate;
    private final LongSupplier nanoTime;
    private double stanzas;
    private double bytes;
    private long last;

    public StanzaRate(SessionLimits.Rate rate, LongSupplier nanoTime) {
        this.rate = rate;
        this.nanoTime = nanoTime;
        this.stanzas = rate.stanzaBurst();
        this.bytes = rate.byteBurst();
        this.last = nanoTime.getAsLong();
    }

    /** Takes one element of about this many bytes; returns how long the next element must wait (zero: not at all). */
    public Duration take(int size) {
        refill();
        double wait = 0;
        if (rate.stanzasPerSecond() > 0) {
            stanzas -= 1;
            if (stanzas < 0) {
                wait = -stanzas / rate.stanzasPerSecond();
            }
        }
        if (rate.bytesPerSecond() > 0) {
            bytes -= size;
            if (bytes < 0) {
                wait = Math.max(wait, -bytes / rate.bytesPerSecond());
            }
        }
        return wait <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(wait * 1e9));
    }

    /**
     * How long a client may stay behind its rate without a break before it counts as abusive: as long as
     * {@link #ABUSE_BURSTS} bursts take at the rate (of the faster bucket to run out, when both are on). A client
     * that keeps sending faster than its rate that long is not a person's client catching up after a burst.
     */
    public Duration abuseAfter() {
        double seconds = Double.MAX_VALUE;
        if (rate.stanzasPerSecond() > 0) {
            seconds = ABUSE_BURSTS * rate.stanzaBurst() / rate.stanzasPerSecond();
        }
        if (rate.bytesPerSecond() > 0) {
            seconds = Math.min(seconds, ABUSE_BURSTS * (double) rate.byteBurst() / rate.bytesPerSecond());
        }
        return Duration.ofNanos((long) Math.ceil(seconds * 1e9));
    }

    static final int ABUSE_BURSTS = 10;

    private void refill() {
        long now = nanoTime.getAsLong();
        double seconds = (now - last) / 1e9;
        last = now;
        if (seconds > 0) {
            stanzas = Math.min(rate.stanzaBurst(), stanzas + seconds * rate.stanzasPerSecond());
            bytes = Math.min(rate.byteBurst(), bytes + seconds * rate.bytesPerSecond());
        }
    }

    @Override
    public String toString() {
        return "StanzaRate[" + (long) stanzas + " stanzas, " + (long) bytes + " bytes]";
    }
}
