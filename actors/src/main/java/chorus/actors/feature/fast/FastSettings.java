package chorus.actors.feature.fast;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of XEP-0484 FAST tokens, read once from {@code chorus.fast}.
 *
 * @param enabled       offer FAST in SASL2 (off: no token is issued or accepted)
 * @param lifetime      how long a token is accepted after it was issued
 * @param maxPerAccount how many tokens an account keeps (one per client); one more drops the oldest
 */
public record FastSettings(boolean enabled, Duration lifetime, int maxPerAccount) {

    public FastSettings {
        if (lifetime == null || lifetime.toSeconds() < 1 || lifetime.toDays() > 365) {
            throw new IllegalArgumentException("chorus.fast.token-lifetime must be between 1s and 365d");
        }
        if (maxPerAccount < 1 || maxPerAccount > 100) {
            throw new IllegalArgumentException("chorus.fast.max-tokens must be between 1 and 100");
        }
    }

    public static FastSettings from(Config config) {
        Config c = config.getConfig("chorus.fast");
        return new FastSettings(c.getBoolean("enabled"), c.getDuration("token-lifetime"), c.getInt("max-tokens"));
    }
}
