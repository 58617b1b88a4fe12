package chorus.actors.feature.pep;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The data forms (XEP-0004) of publish-options (XEP-0060 §7.1.5) and node configuration (§8.2): which
 * node_config fields Chorus understands and what they do to a {@link PepConfig}.
 */
public final class PepOptions {
    static final String PUBLISH_OPTIONS = PepHandler.NS + "#publish-options";
    static final String NODE_CONFIG = PepHandler.NS + "#node_config";
    static final String ACCESS = "pubsub#access_model";
    static final String MAX_ITEMS = "pubsub#max_items";
    static final String PERSIST = "pubsub#persist_items";
    static final String SEND_LAST = "pubsub#send_last_published_item";

    private PepOptions() {
    }

    /** The fields of the form inside {@code parent} (var to first value), without FORM_TYPE; empty if no form. */
    public static Map<String, String> fields(Optional<Element> parent) {
        Map<String, String> out = new LinkedHashMap<>();
        parent.flatMap(p -> p.child("x", DataForm.NS)).ifPresent(x -> DataForm.values(x).forEach((var, values) -> {
            if (!var.equals("FORM_TYPE")) {
                out.put(var, values.isEmpty() ? "" : values.get(0));
            }
        }));
        return out;
    }

    /**
     * The configuration these fields ask for, starting from {@code base}. A field Chorus does not implement, or a
     * value it does not support, gives empty when {@code strict} (publish-options: the precondition cannot be met);
     * otherwise unknown fields are ignored and only unsupported values of known ones give empty.
     */
    static Optional<PepConfig> apply(PepConfig base, Map<String, String> fields, PepLimits limits, boolean strict) {
        PepConfig c = base;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String v = f.getValue().trim();
            switch (f.getKey()) {
                case ACCESS:
                    if (!PepConfig.knownAccess(v)) {
                        return Optional.empty();
                    }
                    c = c.withAccess(v);
                    break;
                case MAX_ITEMS:
                    Optional<Integer> n = maxItems(v, limits);
                    if (n.isEmpty()) {
                        return Optional.empty();
                    }
                    c = c.withMaxItems(n.get());
                    break;
                case PERSIST:
                    // Items are always kept: a transient node is not offered.
                    if (!v.equals("1") && !v.equals("true")) {
                        return Optional.empty();
                    }
                    break;
                case SEND_LAST:
                    if (!PepConfig.knownSendLast(v)) {
                        return Optional.empty();
                    }
                    c = c.withSendLast(v);
                    break;
                default:
                    if (strict) {
                        return Optional.empty();
                    }
            }
        }
        return Optional.of(c);
    }

    /** "max" is the server's limit (XEP-0060 §7.1.5 / pubsub#max_items); a number must be within it. */
    private static Optional<Integer> maxItems(String v, PepLimits limits) {
        if (v.equals("max")) {
            return Optional.of(limits.maxItems());
        }
        try {
            int n = Integer.parseInt(v);
            return n >= 1 && n <= limits.maxItems() ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** §8.2.1: the configuration form of a node, as a result to the owner's get. */
    static Element form(PepConfig c) {
        return DataForm.build("form", NODE_CONFIG)
            .field(ACCESS, "list-single", null, c.access())
            .field(MAX_ITEMS, "text-single", null, Integer.toString(c.maxItems()))
            .field(PERSIST, "boolean", null, "1")
            .field(SEND_LAST, "list-single", null, c.sendLast())
            .get();
    }
}
