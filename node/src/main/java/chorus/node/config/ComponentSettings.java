package chorus.node.config;

import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.JidMalformedException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * External components (XEP-0114, accept mode; {@code chorus.component}): one listener on the loopback
 * interface by default, and for each component its domain, a subdomain of the served domain such as
 * {@code gateway.example.org}, with the secret its handshake proves, and how many component connections one node
 * holds at once ({@code max-connections}, counted before the handshake too); and how long, and how many at once, stanzas
 * for a component's domain wait on a node that does not know of a stream of that component yet
 * ({@code registration-wait}, {@code registration-wait-max-stanzas}: the other nodes learn of a component connected
 * to one node through the cluster's receptionist, a moment later). Read and checked at start.
 */
public record ComponentSettings(int port, InetAddress bind, List<Component> components, int maxConnections,
                                Duration registrationWait, int registrationWaitMax) {
    /** The shortest secret accepted: XEP-0114's SHA-1 handshake is only as strong as the secret. */
    static final int MIN_SECRET = 16;

    public record Component(String domain, String secret) {
        /** Never prints the secret. */
        @Override
        public String toString() {
            return "Component[" + domain + "]";
        }
    }

    static ComponentSettings from(Config c, DomainJid served, Set<String> reservedDomains) {
        int port = Settings.port(c, "chorus.component.port", true);
        InetAddress bind = Settings.ipAddress(c, "chorus.component.bind", null);
        List<Component> components = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<? extends Config> entries;
        try {
            entries = c.getConfigList("chorus.component.components");
        } catch (ConfigException.WrongType e) {
            throw new SettingsException("chorus.component.components", "must be a list of { domain = ..., secret = ... }");
        }
        for (Config entry : entries) {
            String key = "chorus.component.components";
            if (!entry.hasPath("domain") || !entry.hasPath("secret")) {
                throw new SettingsException(key, "each component needs a domain and a secret");
            }
            String domain;
            try {
                domain = new DomainJid(entry.getString("domain")).toString();
            } catch (JidMalformedException e) {
                throw new SettingsException(key, "'" + entry.getString("domain") + "' is not a valid XMPP domain");
            }
            if (!domain.endsWith("." + served)) {
                throw new SettingsException(key, domain + " is not a subdomain of " + served
                        + " (its certificate name and DNS records are the served domain's to give)");
            }
            if (reservedDomains.contains(domain) || !seen.add(domain)) {
                throw new SettingsException(key, domain + " is already in use (a service of this server, or listed twice)");
            }
            String secret = entry.getString("secret");
            if (secret.length() < MIN_SECRET) {
                throw new SettingsException(key, "the secret of " + domain + " needs at least " + MIN_SECRET + " characters");
            }
            components.add(new Component(domain, secret));
        }
        if (port == 0 && !components.isEmpty()) {
            throw new SettingsException("chorus.component.port", "is 0 (off) but chorus.component.components lists components");
        }
        int max = Settings.intIn(c, "chorus.component.max-connections", 1, 100_000);
        Duration wait = Settings.duration(c, "chorus.component.registration-wait");
        if (wait.isNegative() || wait.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new SettingsException("chorus.component.registration-wait", "must be between 0s and 1m");
        }
        int waitMax = Settings.intIn(c, "chorus.component.registration-wait-max-stanzas", 1, 1_000_000);
        return new ComponentSettings(port, bind, List.copyOf(components), max, wait, waitMax);
    }
}
