package chorus.node.s2s;

import chorus.node.config.SessionLimits;
import chorus.node.session.AbuseClock;
import chorus.node.session.StanzaRate;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Issue 15: an authenticated incoming stream is held to a stanza and byte rate ({@code chorus.s2s.rate}) as a
 * client's stream is (issue 14, {@link StanzaRate}): over the rate, its connection is read from no further until the
 * debt is paid, so a flood waits in the peer's own TCP buffers and costs this node nothing more; a peer behind its
 * rate without a break for {@link StanzaRate#abuseAfter()} is abusive ({@link AbuseClock}, the clients' rule too)
 * and its stream ends with policy-violation. Plain state; the stream's actor calls it.
 */
final class PeerRate {
    private final StanzaRate rate;
    private final AbuseClock abuse;

    PeerRate(SessionLimits.Rate limits, LongSupplier nanoTime) {
        this.rate = new StanzaRate(limits, nanoTime);
        this.abuse = new AbuseClock(rate, nanoTime);
    }

    /** Null when the rate is off. */
    static PeerRate of(SessionLimits.Rate limits) {
        return limits.on() ? new PeerRate(limits, System::nanoTime) : null;
    }

    /** Counts an element of about {@code size} bytes; how long reading should wait (zero: not at all). */
    Duration take(int size) {
        Duration wait = rate.take(size);
        abuse.counted(wait);
        return wait;
    }

    /** Behind its rate for too long. */
    boolean abusive() {
        return abuse.abusive();
    }

    /**
     * When to look again whether the peer is abusive, as no stanza is read while it is in debt (and one read can
     * bring a debt far longer than the rate's abuse time); null while it is within its rate.
     */
    Duration untilAbusive() {
        return abuse.untilAbusive();
    }
}
