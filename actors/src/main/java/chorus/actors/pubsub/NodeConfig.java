package chorus.actors.pubsub;

import chorus.actors.feature.pep.PepLimits;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;

import java.util.Map;
import java.util.Optional;

/**
 * The configuration of a service node (XEP-0060 §16.4.3 node_config fields Chorus implements).
 *
 * @param access          pubsub#access_model: "open" (anyone reads and subscribes) or "whitelist" (the owner alone)
 * @param maxItems        pubsub#max_items: how many items the node keeps, newest last
 * @param persist         pubsub#persist_items: whether published items are kept
 * @param deliverPayloads pubsub#deliver_payloads: whether notifications carry the payload; a node that neither keeps
 *                        nor delivers payloads is notification-only and takes no items (§7.1.3.6)
 */
public record NodeConfig(String access, int maxItems, boolean persist, boolean deliverPayloads) {
    static final String NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config";
    static final String OPEN = "open";
    static final String WHITELIST = "whitelist";
    /** A new node's items kept, unless it asks (at most the limit). */
    static final int DEFAULT_MAX_ITEMS = 10;

    public NodeConfig {
        if (!OPEN.equals(access) && !WHITELIST.equals(access)) {
            throw new IllegalArgumentException("access model open or whitelist");
        }
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive");
        }
    }

    /** A new node's configuration: open, persistent, delivering payloads, keeping up to ten items. */
    static NodeConfig defaults(PepLimits limits) {
        return new NodeConfig(OPEN, Math.min(DEFAULT_MAX_ITEMS, limits.maxItems()), true, true);
    }

    /** §7.1.3.6: a persistent node, or one that delivers payloads, needs an item; otherwise an item is forbidden. */
    boolean itemRequired() {
        return persist || deliverPayloads;
    }

    /**
     * The configuration these form fields ask for, starting from this one; empty when a value cannot be had, or
     * when {@code strict} (publish-options, §7.1.5) and a field is not one Chorus implements.
     */
    Optional<NodeConfig> with(Map<String, String> fields, PepLimits limits, boolean strict) {
        String access = this.access;
        int maxItems = this.maxItems;
        boolean persist = this.persist;
        boolean deliver = this.deliverPayloads;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String v = f.getValue().trim();
            switch (f.getKey()) {
                case "pubsub#access_model":
                    if (!OPEN.equals(v) && !WHITELIST.equals(v)) {
                        return Optional.empty();
                    }
                    access = v;
                    break;
                case "pubsub#max_items":
                    if (v.equals("max")) {
                        maxItems = limits.maxItems();
                        break;
                    }
                    try {
                        maxItems = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                    if (maxItems < 1 || maxItems > limits.maxItems()) {
                        return Optional.empty();
                    }
                    break;
                case "pubsub#persist_items":
                    persist = DataForm.isTrue(v);
                    break;
                case "pubsub#deliver_payloads":
                    deliver = DataForm.isTrue(v);
                    break;
                default:
                    if (strict) {
                        return Optional.empty();
                    }
            }
        }
        return Optional.of(new NodeConfig(access, maxItems, persist, deliver));
    }

    /** §8.2.1 and §8.3: the configuration form, for the owner's get and for the service's defaults. */
    Element form() {
        return DataForm.build("form", NODE_CONFIG)
            .field("pubsub#access_model", "list-single", null, access)
            .field("pubsub#max_items", "text-single", null, Integer.toString(maxItems))
            .field("pubsub#persist_items", "boolean", null, persist ? "1" : "0")
            .field("pubsub#deliver_payloads", "boolean", null, deliverPayloads ? "1" : "0")
            .get();
    }
}
