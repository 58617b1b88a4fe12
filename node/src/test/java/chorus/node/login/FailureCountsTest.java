package chorus.node.login;

import chorus.actors.ManualClock;
import chorus.node.config.SessionLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureCountsTest {
    static final SessionLimits.Threshold THREE_THEN_FIVE = new SessionLimits.Threshold(3, 5);

    final ManualClock clock = new ManualClock(Instant.parse("2026-05-01T12:00:00Z"));
    final FailureCounts counts = new FailureCounts(THREE_THEN_FIVE, Duration.ofMinutes(15), Duration.ofMinutes(10), 100, clock);

    void advance(Duration d) {
        clock.now = clock.now.plus(d);
    }

    @Test
    void failuresAddUpUntilTheKeyIsRefusedForTheLockout() {
        for (int i = 1; i <= 4; i++) {
            assertEquals(new FailureCounts.Count(i, false), counts.failed(7));
        }
        assertEquals(new FailureCounts.Count(5, true), counts.failed(7));
        assertTrue(counts.check(7).refused());
        advance(Duration.ofMinutes(9));
        assertTrue(counts.check(7).refused());
        advance(Duration.ofMinutes(1));
        assertEquals(FailureCounts.Count.NONE, counts.check(7), "after the lockout the key starts from nothing");
    }

    @Test
    void attemptsWhileRefusedDoNotLengthenTheRefusal() {
        for (int i = 0; i < 5; i++) {
            counts.failed(7);
        }
        advance(Duration.ofMinutes(5));
        counts.failed(7);
        advance(Duration.ofMinutes(5));
        assertFalse(counts.check(7).refused());
    }

    @Test
    void aCountIsForgottenAWindowAfterItsLastFailure() {
        counts.failed(7);
        counts.failed(7);
        advance(Duration.ofMinutes(14));
        counts.failed(7);
        advance(Duration.ofMinutes(14));
        assertEquals(3, counts.check(7).failures());
        advance(Duration.ofMinutes(1));
        assertEquals(0, counts.check(7).failures());
        counts.failed(8);
        advance(Duration.ofMinutes(16));
        counts.expire();
        assertEquals(0, counts.size());
    }

    @Test
    void aLoginStartsTheCountAgainButNotARefusal() {
        counts.failed(7);
        counts.failed(7);
        counts.succeeded(7);
        assertEquals(0, counts.check(7).failures());
        for (int i = 0; i < 5; i++) {
            counts.failed(8);
        }
        counts.succeeded(8);
        assertTrue(counts.check(8).refused());
    }

    @Test
    void keysAreCountedApartAndTheOldestIsForgottenWhenFull() {
        FailureCounts small = new FailureCounts(THREE_THEN_FIVE, Duration.ofMinutes(15), Duration.ofMinutes(10), 3, clock);
        for (long k = 1; k <= 4; k++) {
            small.failed(k);
            advance(Duration.ofSeconds(1));
        }
        assertEquals(3, small.size());
        assertEquals(0, small.check(1).failures());
        assertEquals(1, small.check(4).failures());
    }
}
