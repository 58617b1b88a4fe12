package chorus.actors.pubsub;

import chorus.actors.feature.pep.PepLimits;
import com.typesafe.config.Config;

/**
 * The pubsub service's settings ({@code chorus.pubsub}); its nodes keep the limits of PEP nodes ({@code chorus.pep}:
 * item size, items per node, all items together, here of the whole service).
 *
 * @param enabled          whether the domain offers the service at all
 * @param subdomain        the service's address is this label in front of the domain
 * @param limits           item size, items per node (what {@code max} means), the service's items together
 * @param maxNodes         nodes the whole service holds (more: not-allowed, max-nodes-exceeded)
 * @param maxNodesPerOwner nodes one account may own (more: the same)
 * @param maxSubscribers   subscriptions one node holds (more: not-allowed, too-many-subscriptions)
 */
public record PubSubSettings(boolean enabled, String subdomain, PepLimits limits, int maxNodes, int maxNodesPerOwner,
                             int maxSubscribers) {

    public PubSubSettings {
        if (subdomain == null || subdomain.isBlank() || subdomain.contains(".")) {
            throw new IllegalArgumentException("chorus.pubsub.subdomain must be one DNS label");
        }
        if (maxNodes < 1 || maxNodesPerOwner < 1 || maxSubscribers < 1) {
            throw new IllegalArgumentException(
                "chorus.pubsub: max-nodes, max-nodes-per-owner and max-subscribers must be at least 1");
        }
    }

    /** Reads {@code chorus.pubsub.*} (defaults in reference.conf) and the PEP limits. */
    public static PubSubSettings from(Config config) {
        Config c = config.getConfig("chorus.pubsub");
        return new PubSubSettings(c.getBoolean("enabled"), c.getString("subdomain"), PepLimits.from(config),
            c.getInt("max-nodes"), c.getInt("max-nodes-per-owner"), c.getInt("max-subscribers"));
    }

    public String serviceDomain(String domain) {
        return subdomain + "." + domain;
    }
}
