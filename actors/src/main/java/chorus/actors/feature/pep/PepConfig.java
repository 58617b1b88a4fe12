package chorus.actors.feature.pep;

import java.util.Objects;

/**
 * The configuration of a node that Chorus implements (XEP-0060 §16.4.3 node_config fields).
 *
 * @param access   pubsub#access_model: "presence" (contacts with a subscription from or both, the PEP default,
 *                 XEP-0163 §4.1.1), "open" (anyone) or "whitelist" (the owner alone; there is no list to edit)
 * @param maxItems pubsub#max_items: how many items the node keeps, newest last
 * @param sendLast pubsub#send_last_published_item: "on_sub_and_presence" (XEP-0163's default: the last item goes to
 *                 a resource that comes online or starts to want it), "on_sub" or "never"
 */
public record PepConfig(String access, int maxItems, String sendLast) {
    public static final String PRESENCE = "presence";
    public static final String OPEN = "open";
    public static final String WHITELIST = "whitelist";
    public static final String ON_SUB_AND_PRESENCE = "on_sub_and_presence";
    public static final PepConfig DEFAULT = new PepConfig(PRESENCE, 1, ON_SUB_AND_PRESENCE);

    public PepConfig {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(sendLast, "sendLast");
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive");
        }
    }

    static boolean knownAccess(String a) {
        return PRESENCE.equals(a) || OPEN.equals(a) || WHITELIST.equals(a);
    }

    static boolean knownSendLast(String s) {
        return ON_SUB_AND_PRESENCE.equals(s) || "on_sub".equals(s) || "never".equals(s);
    }

    PepConfig withAccess(String a) {
        return new PepConfig(a, maxItems, sendLast);
    }

    PepConfig withMaxItems(int n) {
        return new PepConfig(access, n, sendLast);
    }

    PepConfig withSendLast(String s) {
        return new PepConfig(access, maxItems, s);
    }

    /** Whether a resource that comes online, or starts to want the node, gets its last item. */
    public boolean sendsLastOnPresence() {
        return ON_SUB_AND_PRESENCE.equals(sendLast);
    }
}
