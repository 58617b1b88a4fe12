package chorus.actors.muc;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rooms' archive settings: read once, with the users' archive's retention and pages; bad values named. */
class RoomArchiveSettingsTest {

    static RoomArchiveSettings from(Map<String, Object> values) {
        return RoomArchiveSettings.from(ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()));
    }

    @Test
    void theDefaultsKeepRoomMessages72HoursInPagesOfAtMost100() {
        RoomArchiveSettings s = from(Map.of());
        assertEquals(Duration.ofHours(72), s.retention());
        assertEquals(100, s.maxPageSize());
        assertEquals(10_000, s.maxMessages());
        assertEquals(120, s.queriesPerMinute());
    }

    @Test
    void theRetentionAndPagesAreTheUsersArchives() {
        RoomArchiveSettings s = from(Map.of("chorus.mam.retention", "10s", "chorus.mam.max-page-size", 7));
        assertEquals(Duration.ofSeconds(10), s.retention());
        assertEquals(7, s.maxPageSize());
    }

    @Test
    void aBadValueNamesItsSetting() {
        var e = assertThrows(IllegalArgumentException.class, () -> from(Map.of("chorus.muc.archive.max-messages", 0)));
        assertTrue(e.getMessage().contains("chorus.muc.archive.max-messages"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> from(Map.of("chorus.muc.archive.queries-per-minute", -1)));
        assertTrue(e.getMessage().contains("chorus.muc.archive.queries-per-minute"), e.getMessage());
    }
}
