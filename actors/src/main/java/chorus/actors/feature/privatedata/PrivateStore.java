package chorus.actors.feature.privatedata;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;
import chorus.actors.xmpp.Element;

import java.util.HashMap;
import java.util.Map;

/** The account's private XML (XEP-0049), keyed by {@link #key(String, String)}; empty elements are not kept. */
public record PrivateStore(Map<String, Element> elements) implements AccountSlice {
    public static final SliceKey<PrivateStore> KEY = SliceKey.of("private", PrivateStore.class, new PrivateStore(Map.of()));

    public PrivateStore {
        elements = elements == null ? Map.of() : Map.copyOf(elements);
    }

    /** The key of a private XML element: its namespace and name. */
    public static String key(String ns, String name) {
        return "{" + ns + "}" + name;
    }

    /** With this element stored under this key; an empty element (no children, no attributes) removes it. */
    PrivateStore with(String key, Element data) {
        Map<String, Element> m = new HashMap<>(elements);
        if (data.children().isEmpty() && data.attrs().isEmpty()) {
            m.remove(key);
        } else {
            m.put(key, data);
        }
        return new PrivateStore(m);
    }

    /** Private data is the owner's alone: print only how much there is. */
    @Override
    public String toString() {
        return "PrivateStore[" + elements.size() + "]";
    }
}
