package chorus.node.session;

import chorus.node.config.SessionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse rule shared by clients' sessions ({@link Pacing}) and peers' streams ({@code PeerRate}), with a clock the
 * test moves: a flood whose elements reach the stream a little after each debt is paid is abusive after ten bursts'
 * time; a stream that keeps within its rate after a burst never is.
 */
class AbuseClockTest {
    /** 5 stanzas a second, burst 10: abusive after ten bursts' time behind (20 s), a break is one burst's time (2 s). */
    static final SessionLimits.Rate RATE = new SessionLimits.Rate(5, 10, 0, 0);
    long now;

    /**
     * What a client's session sees of a flood when its transport resumes reading late: what waited is handled as each
     * debt is paid until none waits, and the next read arrives 300 ms after the debt was paid (a busy node), so its
     * first element finds a token with nothing waiting, which the old rule took for a break. Returns the seconds
     * until abusive, or -1 when not within 60 s.
     */
    double floodReadLate(AbuseClock clock) {
        StanzaRate rate = new StanzaRate(RATE, () -> now);
        for (int i = 0; i < 10; i++) {
            clock.counted(rate.take(100));   // the burst
        }
        long start = now;
        while (now - start < Duration.ofSeconds(60).toNanos()) {
            Duration owed = Duration.ZERO;
            for (int i = 0; i < 20; i++) {   // one read of 20 elements: the first finds a token, the rest is debt
                Duration w = rate.take(100);
                if (!w.isZero() || i == 0) {
                    clock.counted(w);
                }
                owed = w.isZero() ? owed : w;
                if (clock.abusive()) {
                    return (now - start) / 1e9;
                }
            }
            now += owed.toNanos() + Duration.ofMillis(300).toNanos();
        }
        return -1;
    }

    @Test
    void aFloodReadALittleLateAfterEachDebtIsAbusiveAfterTenBurstsTime() {
        double seconds = floodReadLate(new AbuseClock(new StanzaRate(RATE, () -> now), () -> now));
        assertTrue(seconds >= 20 && seconds <= 25, "abusive after " + seconds + " s (-1: a flood escaped)");
    }

    /** The rule before: an element that found a token with nothing waiting was a break (no time within the rate). */
    @Test
    void underTheOldRuleTheSameFloodEscaped() {
        assertEquals(-1, floodReadLate(new AbuseClock(Duration.ofSeconds(20), Duration.ZERO, () -> now)));
    }

    @Test
    void aStreamThatCatchesUpAfterABurstAndKeepsItsRateIsNeverAbusive() {
        StanzaRate rate = new StanzaRate(RATE, () -> now);
        AbuseClock clock = new AbuseClock(rate, () -> now);
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 15; i++) {
                Duration w = rate.take(100);   // a burst of 15: behind for a while
                clock.counted(w);
                now += w.toNanos();
            }
            for (int i = 0; i < 250; i++) {
                now += Duration.ofMillis(250).toNanos();   // then 4 a second, within the rate of 5
                clock.counted(rate.take(100));
                assertFalse(clock.abusive(), "a stream within its rate after a burst counted as abusive");
            }
        }
    }

    /** A stream not read while in debt is looked at again when it would turn abusive, not when its debt is paid. */
    @Test
    void untilAbusiveCountsFromWhenTheStreamFellBehind() {
        AbuseClock clock = new AbuseClock(new StanzaRate(RATE, () -> now), () -> now);
        assertNull(clock.untilAbusive(), "within its rate");
        clock.counted(Duration.ofSeconds(60));   // one read brought a minute of debt
        now += Duration.ofSeconds(5).toNanos();
        Duration left = clock.untilAbusive();
        assertTrue(left.compareTo(Duration.ofSeconds(15)) > 0 && left.compareTo(Duration.ofMillis(15_010)) < 0,
            left.toString());
        assertFalse(clock.abusive());
        now += left.toNanos();
        assertTrue(clock.abusive(), "behind for ten bursts' time without a break");
    }
}
