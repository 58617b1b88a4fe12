package chorus.actors.feature.pep;

import chorus.actors.xmpp.Element;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The data forms (XEP-0004) of publish-options (XEP-0060 §7.1.5) and node configuration (§8.2): which
 * node_config fields Chorus understands and what they do to a {@link PepConfig}.
 */
final class PepOptions {
    static final String DATA = "jabber:x:data";
    static final String PUBLISH_OPTIONS = PepHandler.NS + "#publish-options";
    static final String NODE_CONFIG = PepHandler.NS + "#node_config";
    static final String ACCESS = "pubsub#access_model";
    static final String MAX_ITEMS = "pubsub#max_items";
    static final String PERSIST = "pubsub#persist_items";
    static final String SEND_LAST = "pubsub#send_last_published_item";

    private PepOptions() {
    }

    /** The fields of the form inside {@code parent} (var to first value), without FORM_TYPE; empty if no form. */
    static Map<String, String> fields(Optional<Element> parent) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<Element> x = parent.flatMap(p -> p.child("x", DATA));
        if (x.isEmpty()) {
            return out;
        }
        for (Element field : x.get().elements("field", DATA)) {
            String var = field.attr("var");
            if (var == null || var.equals("FORM_TYPE")) {
                continue;
            }
            out.put(var, field.childText("value", DATA).orElse(""));
        }
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
        return Element.build("x", DATA).attr("type", "form")
            .child(field("FORM_TYPE", "hidden", NODE_CONFIG))
            .child(field(ACCESS, "list-single", c.access()))
            .child(field(MAX_ITEMS, "text-single", Integer.toString(c.maxItems())))
            .child(field(PERSIST, "boolean", "1"))
            .child(field(SEND_LAST, "list-single", c.sendLast()))
            .get();
    }

    private static Element field(String var, String type, String value) {
        return Element.build("field", DATA).attr("var", var).attr("type", type).textChild("value", DATA, value).get();
    }
}
