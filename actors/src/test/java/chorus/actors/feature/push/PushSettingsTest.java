package chorus.actors.feature.push;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The push settings as the node reads them at start: the defaults, and bad values refused naming the setting. */
class PushSettingsTest {

    @Test
    void theReferenceConfigurationIsTheDefaults() {
        assertEquals(PushSettings.defaults(), PushSettings.from(ConfigFactory.load()));
    }

    @Test
    void aBadValueStopsTheNodeNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PushSettings.from(
            ConfigFactory.parseString("chorus.push.max-per-account = 0").withFallback(ConfigFactory.load())))
            .getMessage().contains("chorus.push.max-per-account"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new PushSettings(true, 10, 4096, 0, Duration.ofSeconds(1))).getMessage()
            .contains("chorus.push.max-failures"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new PushSettings(true, 10, 4096, 3, Duration.ofMillis(5))).getMessage()
            .contains("chorus.push.answer-timeout"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new PushSettings(true, 10, -1, 3, Duration.ofSeconds(1))).getMessage()
            .contains("chorus.push.max-options-size"));
    }
}
