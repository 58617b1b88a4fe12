package chorus.actors.feature.roster;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RosterLimitsTest {

    @Test
    void configuredLimitsAreReadAndMissingOnesKeepTheirDefaults() {
        RosterLimits limits = RosterLimits.from(ConfigFactory.parseString(
            "chorus.roster { max-items = 50, max-name-bytes = 100 }"));
        assertEquals(new RosterLimits(50, RosterLimits.DEFAULT.maxRequests(), 100,
            RosterLimits.DEFAULT.maxGroupBytes(), RosterLimits.DEFAULT.maxGroups()), limits);
    }

    @Test
    void anEmptyConfigurationGivesTheDefaults() {
        assertEquals(RosterLimits.DEFAULT, RosterLimits.from(ConfigFactory.empty()));
    }

    @Test
    void aRosterThatCanHoldNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RosterLimits(0, 1, 1, 1, 1));
    }
}
