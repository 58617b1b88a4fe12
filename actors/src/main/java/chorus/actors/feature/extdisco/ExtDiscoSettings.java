package chorus.actors.feature.extdisco;

import com.typesafe.config.Config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chorus.extdisco}, read once at start: the external services (XEP-0215) and how long TURN credentials last.
 *
 * @param services           the STUN/TURN servers, in the order given; none: the feature is not offered at all
 * @param credentialLifetime how long a TURN username and password are accepted after they were handed out
 */
public record ExtDiscoSettings(List<ExternalService> services, Duration credentialLifetime) {
    static final Duration MIN_LIFETIME = Duration.ofMinutes(1);
    static final Duration MAX_LIFETIME = Duration.ofDays(7);

    public ExtDiscoSettings {
        services = List.copyOf(services);
        if (credentialLifetime.compareTo(MIN_LIFETIME) < 0 || credentialLifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("chorus.extdisco.credential-lifetime: must be between 1m and 7d, was "
                + credentialLifetime);
        }
    }

    public static ExtDiscoSettings from(Config config) {
        Config c = config.getConfig("chorus.extdisco");
        List<ExternalService> services = new ArrayList<>();
        List<? extends Config> entries = c.getConfigList("services");
        for (int i = 0; i < entries.size(); i++) {
            services.add(ExternalService.from(entries.get(i), i));
        }
        return new ExtDiscoSettings(services, c.getDuration("credential-lifetime"));
    }

    public boolean offered() {
        return !services.isEmpty();
    }
}
