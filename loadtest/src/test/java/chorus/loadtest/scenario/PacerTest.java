package chorus.loadtest.scenario;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PacerTest {
    @Test
    void itFiresRateTimesDurationEventsDueOneIntervalApart() {
        List<Long> due = new ArrayList<>();
        long fired = Pacer.run(2000, Duration.ofMillis(100), Deadline.in(Duration.ofMinutes(1)), (k, d) -> {
            assertEquals(due.size(), k);
            due.add(d);
        });
        assertEquals(200, fired);
        assertEquals(200, due.size());
        for (int i = 1; i < due.size(); i++) {
            assertEquals(500_000, due.get(i) - due.get(i - 1), 1);
        }
    }

    @Test
    void aPassedDeadlineStopsIt() {
        long fired = Pacer.run(1000, Duration.ofSeconds(10), new Deadline(System.nanoTime() - 1), (k, d) -> { });
        assertEquals(0, fired);
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class,
            () -> Pacer.run(0, Duration.ofSeconds(1), Deadline.in(Duration.ofSeconds(1)), (k, d) -> { }));
    }
}
