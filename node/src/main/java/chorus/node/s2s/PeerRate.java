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
    /** {@code nanoTime} at which the peer's last debt was paid: it counts as behind until then. */
    private long behindUntil;
    /**
     * How long a peer must keep within its rate after its debt was paid for that to count as a break: one burst's
     * time. Less would let a flood escape: its connection is read again the moment its debt is paid, and the first
     * stanza read a little later (the node busy) finds a token and would look like a break.
     */
    private final long breakNanos;

    PeerRate(SessionLimits.Rate limits, LongSupplier nanoTime) {
        this.rate = new StanzaRate(limits, nanoTime);
        this.nanoTime = nanoTime;
        this.breakNanos = rate.abuseAfter().toNanos() / 10;
    }

    /** Null when the rate is off. */
    static PeerRate of(SessionLimits.Rate limits) {
        return limits.on() ? new PeerRate(limits, System::nanoTime) : null;
    }

    /** Counts an element of about {@code size} bytes; how long reading should wait (zero: not at all). */
    Duration take(int size) {
        Duration wait = rate.take(size);
        long now = nanoTime.getAsLong();
        if (!wait.isZero()) {
            if (behindSince < 0) {
                behindSince = now;
            }
            behindUntil = now + wait.toNanos();
        } else if (behindSince >= 0 && now - behindUntil >= breakNanos) {
            behindSince = -1;
        }
        return wait;
    }

    /** Behind its rate for too long. */
    boolean abusive() {
        return behindSince >= 0 && nanoTime.getAsLong() - behindSince > rate.abuseAfter().toNanos();
    }
}
