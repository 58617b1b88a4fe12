package chorus.actors.xmpp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which namespace prefixes {@link XmlWriter} uses for one element tree, decided by one pass over it before
 * writing. Every prefixed attribute's namespace is declared once, on the root written; a prefix bound to two
 * namespaces in different places gets a fresh name for the second. A namespace other than the content
 * namespace that the default-namespace style would declare on many separate elements (a peer can declare
 * it once with a prefix and use it on thousands of small elements) is written with a prefix too.
 *
 * <p>So the text written for a tree a peer sent is about as long as what it sent: a declaration is written
 * once per namespace, never once per element or attribute that uses it.
 */
final class NamespacePlan {
    /** Repeated default-namespace declarations may cost this many characters in all before prefixes are used. */
    static final int REPEAT_BUDGET = 1024;

    private static final NamespacePlan NONE = new NamespacePlan(Map.of(), Map.of(), Map.of(), List.of());

    /** Input prefix, then URI, to the prefix written. */
    private final Map<String, Map<String, String>> attributes;
    /** Legacy {@code {uri}local} attribute keys: URI to the prefix written. */
    private final Map<String, String> legacy;
    /** Element namespaces written with a prefix. */
    private final Map<String, String> elements;
    /** Declarations on the root written: prefix, URI. */
    private final List<String[]> declarations;

    private NamespacePlan(Map<String, Map<String, String>> attributes, Map<String, String> legacy,
                          Map<String, String> elements, List<String[]> declarations) {
        this.attributes = attributes;
        this.legacy = legacy;
        this.elements = elements;
        this.declarations = declarations;
    }

    static NamespacePlan of(Element root, String parentNs) {
        Survey s = new Survey(parentNs);
        s.visit(root, parentNs);
        if (s.bindings.isEmpty() && s.legacyUris.isEmpty() && s.prefixed().isEmpty()) {
            return NONE;
        }
        Map<String, Map<String, String>> attributes = new HashMap<>();
        Map<String, String> legacy = new HashMap<>();
        Map<String, String> elements = new HashMap<>();
        Map<String, String> declared = new LinkedHashMap<>(); // prefix written -> URI
        Map<String, String> byUri = new HashMap<>();
        Fresh fresh = new Fresh(s.inputPrefixes);
        for (Map.Entry<String, Set<String>> b : s.bindings.entrySet()) {
            String prefix = b.getKey();
            Map<String, String> uris = new HashMap<>();
            for (String uri : b.getValue()) {
                String out = declared.containsKey(prefix) || Fresh.reserved(prefix) ? fresh.next() : prefix;
                declared.put(out, uri);
                byUri.putIfAbsent(uri, out);
                uris.put(uri, out);
            }
            attributes.put(prefix, uris);
        }
        // A namespace without a prefix yet gets a fresh one, declared on the root.
        java.util.function.Function<String, String> prefixOf = uri -> byUri.computeIfAbsent(uri, u -> {
            String out = fresh.next();
            declared.put(out, u);
            return out;
        });
        for (String uri : s.legacyUris) {
            legacy.put(uri, prefixOf.apply(uri));
        }
        for (String ns : s.prefixed()) {
            elements.put(ns, prefixOf.apply(ns));
        }
        for (String ns : s.runs.keySet()) {
            // A namespace declared on the root for attributes anyway costs its elements nothing more.
            if (byUri.containsKey(ns) && !elements.containsKey(ns)) {
                elements.put(ns, prefixOf.apply(ns));
            }
        }
        List<String[]> declarations = new ArrayList<>(declared.size());
        declared.forEach((p, uri) -> declarations.add(new String[] {p, uri}));
        return new NamespacePlan(attributes, legacy, elements, declarations);
    }

    /** The prefix elements of this namespace are written with, or null for the default-namespace style. */
    String elementPrefix(String ns) {
        return elements.isEmpty() ? null : elements.get(ns);
    }

    /** The attribute's name as written: its own, or with the prefix the plan gave its namespace. */
    String attributeKey(Element e, String key) {
        if (key.startsWith("{")) {
            int close = key.indexOf('}');
            String out = legacy.get(key.substring(1, close));
            return out + ":" + key.substring(close + 1);
        }
        int colon = key.indexOf(':');
        if (colon < 0 || attributes.isEmpty()) {
            return key;
        }
        String prefix = key.substring(0, colon);
        Map<String, String> uris = attributes.get(prefix);
        String uri = uris == null ? null : e.attrs().get("xmlns:" + prefix);
        String out = uri == null ? null : uris.get(uri);
        return out == null || out.equals(prefix) ? key : out + key.substring(colon);
    }

    void declare(StringBuilder out) {
        for (String[] d : declarations) {
            out.append(" xmlns:").append(d[0]).append('=');
            XmlWriter.attrValue(d[1], out);
        }
    }

    /** One pass over the tree: prefixed attributes' bindings, legacy keys, and default-namespace runs. */
    private static final class Survey {
        final String contentNs;
        final Map<String, Set<String>> bindings = new LinkedHashMap<>();
        final Set<String> legacyUris = new HashSet<>();
        final Set<String> inputPrefixes = new HashSet<>();
        final Map<String, Integer> runs = new HashMap<>();
        /** Elements in each namespace (other than the content namespace): what a prefix would cost them. */
        final Map<String, Integer> elements = new HashMap<>();

        Survey(String contentNs) {
            this.contentNs = contentNs;
        }

        void visit(Element e, String parentNs) {
            String ns = e.ns();
            String childParent = parentNs;
            if (!ns.equals(Ns.STREAMS)) {
                childParent = ns;
                if (!ns.isEmpty() && !ns.equals(contentNs)) {
                    elements.merge(ns, 1, Integer::sum);
                    if (!ns.equals(parentNs)) {
                        runs.merge(ns, 1, Integer::sum);
                    }
                }
            }
            if (!e.attrs().isEmpty()) {
                for (Map.Entry<String, String> a : e.attrs().entrySet()) {
                    String key = a.getKey();
                    if (key.startsWith("xmlns:")) {
                        String prefix = key.substring(6);
                        inputPrefixes.add(prefix);
                        bindings.computeIfAbsent(prefix, p -> new LinkedHashSet<>()).add(a.getValue());
                    } else if (key.startsWith("{")) {
                        legacyUris.add(key.substring(1, key.indexOf('}')));
                    }
                }
            }
            for (Node n : e.children()) {
                if (n instanceof Element c) {
                    visit(c, childParent);
                }
            }
        }

        /**
         * The namespaces to write with a prefix: while the default-namespace style would repeat declarations
         * worth more than {@link #REPEAT_BUDGET} characters in all, the namespace where a prefix saves most
         * (its repeated declarations, less a prefix on each of its elements' tags) gets one, as long as it
         * saves anything. Ordinary stanzas stay in the default-namespace style.
         */
        List<String> prefixed() {
            if (chosen != null) {
                return chosen;
            }
            chosen = new ArrayList<>();
            long repeated = 0;
            List<String> candidates = new ArrayList<>();
            for (Map.Entry<String, Integer> r : runs.entrySet()) {
                repeated += repeatCost(r.getKey());
                if (saving(r.getKey()) > 0) {
                    candidates.add(r.getKey());
                }
            }
            candidates.sort((a, b) -> Long.compare(saving(b), saving(a)));
            for (String ns : candidates) {
                if (repeated <= REPEAT_BUDGET) {
                    break;
                }
                chosen.add(ns);
                repeated -= repeatCost(ns);
            }
            return chosen;
        }

        private List<String> chosen;

        /** Characters of default-namespace declarations beyond the first. */
        private long repeatCost(String ns) {
            return (runs.get(ns) - 1L) * (ns.length() + 9);
        }

        /** What a prefix saves: the repeated declarations, less a declaration on the root and "p:" on each tag. */
        private long saving(String ns) {
            return repeatCost(ns) - 12 - 6L * elements.getOrDefault(ns, 0);
        }
    }

    /** Short prefixes no input uses: a..z, then aa, ab, ... */
    private static final class Fresh {
        private final Set<String> taken;
        private int n;

        Fresh(Set<String> taken) {
            this.taken = taken;
        }

        String next() {
            while (true) {
                String p = name(n++);
                if (!taken.contains(p) && !reserved(p)) {
                    taken.add(p);
                    return p;
                }
            }
        }

        private static String name(int i) {
            StringBuilder sb = new StringBuilder();
            do {
                sb.append((char) ('a' + i % 26));
                i = i / 26 - 1;
            } while (i >= 0);
            return sb.reverse().toString();
        }

        /** XML Namespaces §3: prefixes starting with "xml" are reserved; "stream" is the stream header's. */
        static boolean reserved(String p) {
            return p.regionMatches(true, 0, "xml", 0, 3) || p.equals("stream");
        }
    }
}
