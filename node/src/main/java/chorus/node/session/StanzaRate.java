package chorus.node.session;

import chorus.node.config.SessionLimits;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How fast one bound session's client may send: two token buckets, one of top-level elements (stanzas, XEP-0198
 * elements and the like) and one of their bytes, each filling at its rate up to its burst. A client may run into
 * debt; the session then stops reading from it for as long as paying the debt takes (what was read already is still
 * handled, in order). Only a client more than a whole burst in debt is abusive. Plain state, no I/O; the session
 * calls it on its own thread.
 */
final class StanzaRate {
    private final SessionLimits.Rate rate;
    private final LongSupplier nanoTime;
    private double stanzas;
    private double bytes;
    private long last;

    StanzaRate(SessionLimits.Rate rate, LongSupplier nanoTime) {
        this.rate = rate;
        this.nanoTime = nanoTime;
        this.stanzas = rate.stanzaBurst();
        this.bytes = rate.byteBurst();
        this.last = nanoTime.getAsLong();
    }

    /** Takes one element of about this many bytes; returns how long reading must pause now (zero: not at all). */
    Duration take(int size) {
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

    /** More than a whole burst beyond the rate: the client did not let a pause slow it down. */
    boolean abusive() {
        return rate.stanzasPerSecond() > 0 && stanzas < -rate.stanzaBurst()
            || rate.bytesPerSecond() > 0 && bytes < -rate.byteBurst();
    }

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
