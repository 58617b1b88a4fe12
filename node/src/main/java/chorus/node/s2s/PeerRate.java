package chorus.node.s2s;

import chorus.node.config.SessionLimits;
import chorus.node.session.StanzaRate;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Issue 15: an authenticated incoming stream is held to a stanza and byte rate ({@code chorus.s2s.rate}) as a
 * client's stream is (issue 14, {@link StanzaRate}): over the rate, its connection is read from no further until the
 * debt is paid, so a flood waits in the peer's own TCP buffers and costs this node nothing more; a peer behind its
 * rate without a break for {@link StanzaRate#abuseAfter()} is abusive and its stream ends with policy-violation.
 * Plain state; the stream's actor calls it.
 */
final class PeerRate {
    private final StanzaRate rate;
    private final LongSupplier nanoTime;
    /** {@code nanoTime} when the peer fell behind its rate, or -1 while it is within it. */
    private long behindSince = -1;

    PeerRate(SessionLimits.Rate limits, LongSupplier nanoTime) {
        this.rate = new StanzaRate(limits, nanoTime);
        this.nanoTime = nanoTime;
    }

    /** Null when the rate is off. */
    static PeerRate of(SessionLimits.Rate limits) {
        return limits.on() ? new PeerRate(limits, System::nanoTime) : null;
    }

    /** Counts an element of about {@code size} bytes; how long reading should wait (zero: not at all). */
    Duration take(int size) {
        Duration wait = rate.take(size);
        if (wait.isZero()) {
            behindSince = -1;
        } else if (behindSince < 0) {
            behindSince = nanoTime.getAsLong();
        }
        return wait;
    }

    /** Behind its rate for too long. */
    boolean abusive() {
        return behindSince >= 0 && nanoTime.getAsLong() - behindSince > rate.abuseAfter().toNanos();
    }
}
