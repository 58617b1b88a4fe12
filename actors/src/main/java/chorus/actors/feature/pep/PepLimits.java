package chorus.actors.feature.pep;

import com.typesafe.config.Config;

/**
 * Server-configured limits on an account's PEP data (read from {@code chorus.pep}). Sizes are in
 * {@link chorus.actors.xmpp.Element#weight()} characters, about the serialized size.
 *
 * @param maxItemSize  the largest payload one item may have (larger: not-acceptable, payload-too-big)
 * @param maxNodes     how many nodes an account may have (more: not-allowed, max-nodes-exceeded)
 * @param maxItems     the largest pubsub#max_items a node may ask for ("max" means this)
 * @param maxTotalSize all items of all nodes of one account together
 */
public record PepLimits(int maxItemSize, int maxNodes, int maxItems, int maxTotalSize) {

    public static final PepLimits DEFAULT = new PepLimits(64 * 1024, 64, 256, 1024 * 1024);

    public PepLimits {
        if (maxItemSize < 1 || maxNodes < 1 || maxItems < 1 || maxTotalSize < maxItemSize) {
            throw new IllegalArgumentException("PEP limits must be positive, the total at least one item");
        }
    }

    /** Reads {@code chorus.pep.*}; a missing key keeps its default. */
    public static PepLimits from(Config config) {
        return new PepLimits(
            config.hasPath("chorus.pep.max-item-size") ? (int) config.getBytes("chorus.pep.max-item-size").longValue()
                : DEFAULT.maxItemSize,
            config.hasPath("chorus.pep.max-nodes") ? config.getInt("chorus.pep.max-nodes") : DEFAULT.maxNodes,
            config.hasPath("chorus.pep.max-items") ? config.getInt("chorus.pep.max-items") : DEFAULT.maxItems,
            config.hasPath("chorus.pep.max-total-size") ? (int) config.getBytes("chorus.pep.max-total-size").longValue()
                : DEFAULT.maxTotalSize);
    }
}
