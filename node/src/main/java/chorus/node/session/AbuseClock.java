package chorus.node.session;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a stream has been behind its rate ({@link StanzaRate}) without a break for {@link StanzaRate#abuseAfter()}:
 * the one rule of a client's session ({@link Pacing}) and of a peer's incoming stream ({@code s2s.PeerRate}).
 * <p>
 * A break counts only once the stream has kept within its rate for one burst's time after its debt was paid. An
 * element that merely finds a token back is no break: the moment a debt is paid the stream is read again (a peer's)
 * or what waits is handled (a client's), and when the node is busy, or the transport resumes reading late, the next
 * element arrives a little after the debt was paid and finds a token without the sender ever having paused. Counting
 * that as a break let a flood put its policy-violation off indefinitely (seen with peers under load; a client's
 * session was open to it whenever its read-ahead ran dry). Plain state; one actor calls it.
 */
public final class AbuseClock {
    private final LongSupplier nanoTime;
    private final long abuseNanos;
    private final long breakNanos;
    /** {@code nanoTime} when the stream fell behind its rate, or -1 while it is within it. */
    private long behindSince = -1;
    /** {@code nanoTime} at which the stream's last debt is paid: it counts as behind until then. */
    private long behindUntil;

    /** The rule for {@code rate}: abusive after ten bursts' time behind, a break is one burst's time. */
    public AbuseClock(StanzaRate rate, LongSupplier nanoTime) {
        this(rate.abuseAfter(), rate.abuseAfter().dividedBy(StanzaRate.ABUSE_BURSTS), nanoTime);
    }

    AbuseClock(Duration abuseAfter, Duration breakAfter, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.abuseNanos = abuseAfter.toNanos();
        this.breakNanos = breakAfter.toNanos();
    }

    /**
     * An element was counted against the rate: {@code owed} is how long the stream must now wait (zero: it found a
     * token). Call it with zero only when nothing of the stream's still waits (a client's queued elements).
     */
    public void counted(Duration owed) {
        long now = nanoTime.getAsLong();
        if (!owed.isZero()) {
            if (behindSince < 0) {
                behindSince = now;
            }
            behindUntil = now + owed.toNanos();
        } else if (behindSince >= 0 && now - behindUntil >= breakNanos) {
            behindSince = -1;
        }
    }

    /** Behind its rate, without a break, for longer than the rate allows. */
    public boolean abusive() {
        return behindSince >= 0 && nanoTime.getAsLong() - behindSince > abuseNanos;
    }

    /**
     * How long from now until the stream is abusive if it has no break meanwhile (a little past the bound); null when
     * it is within its rate. For a stream that is not read while in debt, whose verdict no element would bring in time.
     */
    public Duration untilAbusive() {
        if (behindSince < 0) {
            return null;
        }
        long left = behindSince + abuseNanos - nanoTime.getAsLong();
        return Duration.ofNanos(Math.max(0, left)).plusMillis(1);
    }

    @Override
    public String toString() {
        return behindSince < 0 ? "AbuseClock[within]" : "AbuseClock[behind]";
    }
}
