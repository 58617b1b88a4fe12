package chorus.node.login;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LookupTimesTest {

    @Test
    void theFloorIsTheConfiguredTimeUntilLookupsTakeLonger() {
        LookupTimes t = new LookupTimes(Duration.ofMillis(50));
        assertEquals(Duration.ofMillis(50), t.floor());
        for (int i = 0; i < 100; i++) {
            t.took(Duration.ofMillis(5));
        }
        assertEquals(Duration.ofMillis(50), t.floor());
    }

    @Test
    void theFloorFollowsTheSlowestButOnePercentOfRecentLookups() {
        LookupTimes t = new LookupTimes(Duration.ofMillis(50));
        for (int i = 0; i < LookupTimes.KEPT; i++) {
            t.took(Duration.ofMillis(i < 500 ? 80 : 900));
        }
        assertEquals(Duration.ofMillis(900), t.floor(), "12 of 512 slow ones are more than 1 %");
        for (int i = 0; i < LookupTimes.KEPT; i++) {
            t.took(Duration.ofMillis(i < 510 ? 80 : 900));
        }
        assertEquals(Duration.ofMillis(80), t.floor(), "2 of 512 are less than 1 %: they are the ones left out");
        t.took(Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            t.took(Duration.ofMinutes(1));
        }
        assertEquals(LookupTimes.CAP, t.floor(), "never more than the cap");
    }

    @Test
    void aLowerCapBoundsTheFloorButNeverBelowTheConfiguredTime() {
        LookupTimes t = new LookupTimes(Duration.ofMillis(50), Duration.ofMillis(200));
        for (int i = 0; i < LookupTimes.KEPT; i++) {
            t.took(Duration.ofSeconds(3));
        }
        assertEquals(Duration.ofMillis(200), t.floor());
        assertEquals(Duration.ofMillis(50), new LookupTimes(Duration.ofMillis(50), Duration.ZERO).floor());
    }
}
