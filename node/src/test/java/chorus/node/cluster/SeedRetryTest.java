package chorus.node.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedRetryTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void asksAgainUntilTheNodeHasJoinedThenStops() {
        AtomicBoolean joined = new AtomicBoolean();
        AtomicInteger asked = new AtomicInteger();
        SeedRetry retry = new SeedRetry(joined::get, asked::incrementAndGet, Duration.ofSeconds(30), 0);
        assertTrue(retry.tick(3 * SECOND));
        assertTrue(retry.tick(6 * SECOND));
        assertEquals(2, asked.get());
        joined.set(true);
        assertFalse(retry.tick(9 * SECOND));
        assertEquals(2, asked.get(), "a node that joined is not made to start over");
    }

    @Test
    void stopsAskingAtTheSeedNodeTimeoutAndLeavesTheRestToPekko() {
        AtomicInteger asked = new AtomicInteger();
        SeedRetry retry = new SeedRetry(() -> false, asked::incrementAndGet, Duration.ofSeconds(30), 5 * SECOND);
        assertTrue(retry.tick(34 * SECOND));
        assertFalse(retry.tick(35 * SECOND));
        assertFalse(retry.tick(38 * SECOND));
        assertEquals(1, asked.get());
    }
}
