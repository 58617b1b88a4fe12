package chorus.actors.diagnostics;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the diagnostics ({@code chorus.diagnostics}).
 *
 * @param retention    records older than this are deleted (7 days)
 * @param pruneEvery   how often the pruner runs (weekly)
 * @param checkEvery   how often the pruner looks whether a run is due
 */
public record DiagnosticsSettings(Duration retention, Duration pruneEvery, Duration checkEvery) {
    public static DiagnosticsSettings from(Config config) {
        Config c = config.getConfig("chorus.diagnostics");
        return new DiagnosticsSettings(c.getDuration("retention"), c.getDuration("prune-every"), c.getDuration("check-every"));
    }
}
