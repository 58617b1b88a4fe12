package chorus.actors.feature.mam;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the message archive, read once from {@code chorus.mam}.
 *
 * @param defaultMode       the preference of a user who never set one
 * @param retention         how long an archived message is kept
 * @param defaultPageSize   results per query when the client asks no {@code max}
 * @param maxPageSize       the most results per query, whatever the client asks
 * @param maxMessages       the most messages one account's archive holds; later ones are not archived
 * @param queriesPerMinute  archive queries one account may make per minute; more get resource-constraint
 */
public record MamSettings(MamPrefs.Mode defaultMode, Duration retention, int defaultPageSize, int maxPageSize,
                          int maxMessages, int queriesPerMinute) {

    public MamSettings {
        if (defaultPageSize < 1 || maxPageSize < 1 || maxMessages < 1 || queriesPerMinute < 1) {
            throw new IllegalArgumentException("chorus.mam limits must be positive");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("chorus.mam.retention must be positive");
        }
    }

    public static MamSettings defaults() {
        return new MamSettings(MamPrefs.Mode.NEVER, Duration.ofHours(72), 50, 100, 10_000, 60);
    }

    public static MamSettings from(Config config) {
        Config c = config.getConfig("chorus.mam");
        MamPrefs.Mode mode = MamPrefs.Mode.parse(c.getString("default"));
        if (mode == null) {
            throw new IllegalArgumentException("chorus.mam.default must be never, roster or always");
        }
        return new MamSettings(mode, c.getDuration("retention"), c.getInt("default-page-size"),
            c.getInt("max-page-size"), c.getInt("max-messages"), c.getInt("queries-per-minute"));
    }
}
