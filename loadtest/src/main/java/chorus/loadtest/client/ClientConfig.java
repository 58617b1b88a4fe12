package chorus.loadtest.client;

import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;

import java.time.Duration;

/** How every connection of a run logs in. */
public record ClientConfig(String domain, TlsMode tls, Mechanism mechanism, SaltedPasswordCache scramCache,
                           Duration setupTimeout) {
}
