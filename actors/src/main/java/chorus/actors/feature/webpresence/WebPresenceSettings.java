package chorus.actors.feature.webpresence;

import com.typesafe.config.Config;

/** {@code chorus.webpresence}: whether the server offers the badge at all (off unless the admin turns it on). */
public record WebPresenceSettings(boolean enabled) {
    public static WebPresenceSettings from(Config config) {
        return new WebPresenceSettings(config.getBoolean("chorus.webpresence.enabled"));
    }
}
