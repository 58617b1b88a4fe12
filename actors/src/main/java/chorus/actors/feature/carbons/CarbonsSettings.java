package chorus.actors.feature.carbons;

import com.typesafe.config.Config;

/**
 * Settings of Message Carbons, read once from {@code chorus.carbons}.
 *
 * @param enabled    whether accounts may enable carbons (off: the feature is not offered at all)
 * @param trackedIds how many of an account's recent eligible messages each way are remembered (their peer and id)
 *                   to recognise the errors that answer them, which are copied too (XEP-0280 §6.1)
 */
public record CarbonsSettings(boolean enabled, int trackedIds) {

    public CarbonsSettings {
        if (trackedIds < 0 || trackedIds > 100_000) {
            throw new IllegalArgumentException("chorus.carbons.tracked-ids must be between 0 and 100000");
        }
    }

    public static CarbonsSettings defaults() {
        return new CarbonsSettings(true, 128);
    }

    public static CarbonsSettings from(Config config) {
        Config c = config.getConfig("chorus.carbons");
        return new CarbonsSettings(c.getBoolean("enabled"), c.getInt("tracked-ids"));
    }
}
