package chorus.node.config;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * XEP-0198 Stream Management ({@code chorus.c2s.sm}): whether it is offered, how long a dropped stream
 * stays resumable (the client may ask for less, never more than the cap), and how many unacknowledged
 * stanzas one stream may hold before it ends with resource-constraint.
 */
public record SmSettings(boolean enabled, Duration resumeTimeout, Duration maxResumeTimeout, int maxUnacked) {

    static SmSettings from(Config c) {
        boolean enabled = c.getBoolean("chorus.c2s.sm.enabled");
        Duration timeout = Settings.duration(c, "chorus.c2s.sm.resume-timeout");
        Duration max = Settings.duration(c, "chorus.c2s.sm.max-resume-timeout");
        if (timeout.compareTo(max) > 0) {
            throw new SettingsException("chorus.c2s.sm.resume-timeout", "must not exceed chorus.c2s.sm.max-resume-timeout");
        }
        int maxUnacked = Settings.intIn(c, "chorus.c2s.sm.max-unacked", 10, 100_000);
        return new SmSettings(enabled, timeout, max, maxUnacked);
    }

    /** The resumption time for a client that asked for {@code requestedSeconds} (0: no wish). */
    public Duration timeoutFor(long requestedSeconds) {
        if (requestedSeconds <= 0) {
            return resumeTimeout;
        }
        Duration asked = Duration.ofSeconds(requestedSeconds);
        return asked.compareTo(maxResumeTimeout) > 0 ? maxResumeTimeout : asked;
    }
}
