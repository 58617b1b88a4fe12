package chorus.node.s2s;

import chorus.node.config.SessionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerRateTest {
    /** 5 stanzas a second, burst 10: abusive after ten bursts' time behind (20 s), a break is one burst's time (2 s). */
    static final SessionLimits.Rate RATE = new SessionLimits.Rate(5, 10, 0, 0);
    long now;

    @Test
    void aFloodReadAgainALittleLateAfterEachDebtIsStillAbusiveAfterTenBurstsTime() {
        PeerRate rate = new PeerRate(RATE, () -> now);
        for (int i = 0; i < 10; i++) {
            rate.take(100);
        }
        long start = now;
        while (now - start < Duration.ofSeconds(60).toNanos() && !rate.abusive()) {
            // The connection is read again once the debt is paid, 300 ms late (a busy node): by then a token is back,
            // so the first stanza of what was read waits for nothing. That is no break; the rest of the read is debt.
            Duration wait = Duration.ZERO;
            for (int i = 0; i < 20 && !rate.abusive(); i++) {
                Duration w = rate.take(100);
                wait = w.isZero() ? wait : w;
            }
            now += wait.toNanos() + Duration.ofMillis(300).toNanos();
        }
        assertTrue(rate.abusive(), "a flood escaped: not abusive after 60 s");
        assertTrue(now - start <= Duration.ofSeconds(25).toNanos(), "abusive only after " + (now - start) / 1e9 + " s");
    }

    @Test
    void aPeerThatCatchesUpAfterABurstAndKeepsItsRateIsNeverAbusive() {
        PeerRate rate = new PeerRate(RATE, () -> now);
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 15; i++) {
                now += rate.take(100).toNanos();   // a burst of 15: behind for a while
            }
            for (int i = 0; i < 250; i++) {
                now += Duration.ofMillis(250).toNanos();   // then 4 a second, within the rate of 5
                rate.take(100);
                assertFalse(rate.abusive(), "a peer within its rate after a burst counted as abusive");
            }
        }
    }
}
