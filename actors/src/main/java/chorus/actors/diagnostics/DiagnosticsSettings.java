package chorus.actors.diagnostics;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the diagnostics ({@code chorus.diagnostics}).
 *
 * @param retention          records expire this long after they were written (7 days)
 * @param pruneEvery         how often the pruner drops whole expired days (weekly; a safety net)
 * @param checkEvery         how often the pruner looks whether a run is due
 * @param gcGrace            how long Cassandra keeps an expired record's tombstone before its file may go
 * @param perSenderPerMinute records written per minute for the failures of one sender (bare address)
 * @param perNodePerSecond   records one node writes per second at most; more are counted, not written
 */
public record DiagnosticsSettings(Duration retention, Duration pruneEvery, Duration checkEvery, Duration gcGrace,
                                  int perSenderPerMinute, int perNodePerSecond) {

    public DiagnosticsSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("chorus.diagnostics.retention must be positive");
        }
        if (perSenderPerMinute < 1) {
            throw new IllegalArgumentException("chorus.diagnostics.per-sender-per-minute must be at least 1");
        }
        if (perNodePerSecond < 1) {
            throw new IllegalArgumentException("chorus.diagnostics.per-node-per-second must be at least 1");
        }
    }

    /** With the default gc grace and rate limits. */
    public DiagnosticsSettings(Duration retention, Duration pruneEvery, Duration checkEvery) {
        this(retention, pruneEvery, checkEvery, Duration.ofHours(3), 30, 5);
    }

    public static DiagnosticsSettings from(Config config) {
        Config c = config.getConfig("chorus.diagnostics");
        return new DiagnosticsSettings(c.getDuration("retention"), c.getDuration("prune-every"), c.getDuration("check-every"),
            c.getDuration("gc-grace"), c.getInt("per-sender-per-minute"), c.getInt("per-node-per-second"));
    }
}
