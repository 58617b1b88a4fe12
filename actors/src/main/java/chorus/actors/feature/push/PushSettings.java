package chorus.actors.feature.push;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of XEP-0357 push notifications, read once from {@code chorus.push}.
 *
 * @param enabled        whether accounts may enable push (off: the feature is not offered at all)
 * @param maxPerAccount  how many registrations an account keeps; enabling one more drops the oldest
 * @param maxOptionsSize how large (in characters) a publish-options form may be; larger ones are refused
 * @param maxFailures    after this many notifications in a row answered with an error or not answered in time, the
 *                       registration is disabled
 * @param answerTimeout  how long an app server has to answer a notification before it counts as failed
 */
public record PushSettings(boolean enabled, int maxPerAccount, int maxOptionsSize, int maxFailures,
                           Duration answerTimeout) {

    public PushSettings {
        if (maxPerAccount < 1 || maxPerAccount > 1000) {
            throw new IllegalArgumentException("chorus.push.max-per-account must be between 1 and 1000");
        }
        if (maxOptionsSize < 0 || maxOptionsSize > 65_536) {
            throw new IllegalArgumentException("chorus.push.max-options-size must be between 0 and 65536");
        }
        if (maxFailures < 1 || maxFailures > 1000) {
            throw new IllegalArgumentException("chorus.push.max-failures must be between 1 and 1000");
        }
        if (answerTimeout == null || answerTimeout.toMillis() < 100 || answerTimeout.toHours() > 1) {
            throw new IllegalArgumentException("chorus.push.answer-timeout must be between 100ms and 1h");
        }
    }

    public static PushSettings defaults() {
        return new PushSettings(true, 10, 4096, 5, Duration.ofSeconds(30));
    }

    public static PushSettings from(Config config) {
        Config c = config.getConfig("chorus.push");
        return new PushSettings(c.getBoolean("enabled"), c.getInt("max-per-account"), c.getInt("max-options-size"),
            c.getInt("max-failures"), c.getDuration("answer-timeout"));
    }
}
