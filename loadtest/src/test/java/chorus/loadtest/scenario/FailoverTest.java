package chorus.loadtest.scenario;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a fail-over run counts delivery as normal again. */
class FailoverTest {
    static final long MS = 1_000_000;

    static AtomicLongArray of(long... v) {
        return new AtomicLongArray(v);
    }

    @Test
    void normalAgainFromTheFirstSecondAfterWhichNothingIsMissingOrLate() {
        AtomicLongArray sent = of(10, 10, 10, 10, 10, 10);
        AtomicLongArray arrived = of(10, 9, 10, 10, 10, 10);
        AtomicLongArray slowest = of(5 * MS, 5 * MS, 3000 * MS, 900 * MS, 5 * MS, 5 * MS);
        // second 1 lost one, second 2 was late: normal from second 3 on
        assertEquals(3, Failover.normalFrom(sent, arrived, slowest, 0, 5));
        assertEquals(3, Failover.normalFrom(sent, arrived, slowest, 2, 5));
        assertEquals(4, Failover.normalFrom(sent, arrived, slowest, 4, 5), "already normal where it starts");
    }

    @Test
    void aLastSecondThatIsNotNormalMeansNeverWithinTheRun() {
        AtomicLongArray sent = of(10, 10, 10);
        AtomicLongArray arrived = of(10, 10, 3);
        AtomicLongArray slowest = of(5 * MS, 5 * MS, 5 * MS);
        assertEquals(3, Failover.normalFrom(sent, arrived, slowest, 0, 2));
    }
}
