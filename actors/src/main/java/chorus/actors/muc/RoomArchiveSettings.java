package chorus.actors.muc;

import chorus.actors.feature.mam.MamSettings;
import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the rooms' archives (XEP-0313 on rooms), read once: the limits of {@code chorus.muc.archive}, and the
 * retention and page sizes the users' archives have ({@code chorus.mam}), since both live in the same table.
 *
 * @param retention        how long an archived room message is kept (the table's TTL, {@code chorus.mam.retention})
 * @param defaultPageSize  results per query when the client asks no {@code max}
 * @param maxPageSize      the most results per query, whatever the client asks
 * @param maxMessages      the most messages one room's archive holds; later ones are not archived
 * @param queriesPerMinute archive queries one room answers per minute; more get resource-constraint
 */
public record RoomArchiveSettings(Duration retention, int defaultPageSize, int maxPageSize, int maxMessages,
                                  int queriesPerMinute) {

    public RoomArchiveSettings {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("chorus.muc.archive.max-messages must be at least 1");
        }
        if (queriesPerMinute < 1) {
            throw new IllegalArgumentException("chorus.muc.archive.queries-per-minute must be at least 1");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("chorus.mam.retention must be positive");
        }
    }

    public static RoomArchiveSettings defaults() {
        return new RoomArchiveSettings(Duration.ofHours(72), 50, 100, 10_000, 120);
    }

    public static RoomArchiveSettings from(Config config) {
        MamSettings mam = MamSettings.from(config);
        Config c = config.getConfig("chorus.muc.archive");
        return new RoomArchiveSettings(mam.retention(), mam.defaultPageSize(), mam.maxPageSize(),
            c.getInt("max-messages"), c.getInt("queries-per-minute"));
    }

    /** The archive's limits as the query parser takes them. */
    MamSettings queryLimits() {
        return new MamSettings(chorus.actors.feature.mam.MamPrefs.Mode.NEVER, retention, defaultPageSize, maxPageSize,
            maxMessages, queriesPerMinute);
    }
}
