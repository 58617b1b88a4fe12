package chorus.actors.xmpp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable XML element with its namespace resolved: what a stanza and its payloads are made of.
 *
 * <p>Attribute keys are local names; attributes in the XML namespace keep their {@code xml:} prefix
 * ({@code xml:lang}). An attribute in another namespace keeps the prefix it came with ({@code p:local}), and
 * the element carries that prefix's declaration ({@code xmlns:p} to the URI), so a subtree taken out of its
 * parent still says what its prefixes mean; many elements share one URI string, never a copy each.
 * (Elements stored before this kept such attributes as {@code {uri}local}; {@link XmlWriter} still writes them.)
 */
public record Element(String name, String ns, Map<String, String> attrs, List<Node> children) implements Node {

    public Element {
        Objects.requireNonNull(name, "name");
        ns = ns == null ? "" : ns;
        attrs = attrs == null || attrs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        children = children == null || children.isEmpty() ? List.of() : List.copyOf(children);
    }

    public static Element of(String name, String ns) {
        return new Element(name, ns, Map.of(), List.of());
    }

    public String attr(String key) {
        return attrs.get(key);
    }

    public boolean is(String name, String ns) {
        return this.name.equals(name) && this.ns.equals(ns);
    }

    /** The first child element with this name and namespace. */
    public Optional<Element> child(String name, String ns) {
        for (Node n : children) {
            if (n instanceof Element e && e.is(name, ns)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The first child element in this namespace, whatever its name. */
    public Optional<Element> childIn(String ns) {
        for (Node n : children) {
            if (n instanceof Element e && e.ns.equals(ns)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public List<Element> elements() {
        List<Element> out = new ArrayList<>(children.size());
        for (Node n : children) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    public List<Element> elements(String name, String ns) {
        List<Element> out = new ArrayList<>(2);
        for (Node n : children) {
            if (n instanceof Element e && e.is(name, ns)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The concatenated character data directly inside this element. */
    public String text() {
        if (children.size() == 1 && children.get(0) instanceof Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (Node n : children) {
            if (n instanceof Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** The text of the first child with this name and namespace, if there is one. */
    public Optional<String> childText(String name, String ns) {
        return child(name, ns).map(Element::text);
    }

    public Element withAttr(String key, String value) {
        Map<String, String> a = new LinkedHashMap<>(attrs);
        if (value == null) {
            a.remove(key);
        } else {
            a.put(key, value);
        }
        return new Element(name, ns, a, children);
    }

    public Element withChild(Node child) {
        List<Node> c = new ArrayList<>(children.size() + 1);
        c.addAll(children);
        c.add(child);
        return new Element(name, ns, attrs, c);
    }

    public Element withChildren(List<? extends Node> newChildren) {
        return new Element(name, ns, attrs, List.copyOf(newChildren));
    }

    public Element withText(String text) {
        return new Element(name, ns, attrs, List.of(new Text(text)));
    }

    /**
     * This element with every element of namespace {@code from} in it (itself included) moved to {@code to}: a
     * stanza's own elements (body, subject, show, error...) are in its stream's content namespace, {@code jabber:client}
     * here and {@code jabber:server} between servers (RFC 6120 §4.8.3), the same elements either way.
     */
    public Element movedNamespace(String from, String to) {
        boolean changed = false;
        List<Node> c = new ArrayList<>(children.size());
        for (Node n : children) {
            Node moved = n instanceof Element e ? e.movedNamespace(from, to) : n;
            changed |= moved != n;
            c.add(moved);
        }
        if (!changed && !ns.equals(from)) {
            return this;
        }
        return new Element(name, ns.equals(from) ? to : ns, attrs, changed ? c : children);
    }

    /** Children other than the ones with this name and namespace. */
    public Element without(String name, String ns) {
        List<Node> c = new ArrayList<>(children.size());
        for (Node n : children) {
            if (!(n instanceof Element e && e.is(name, ns))) {
                c.add(n);
            }
        }
        return new Element(this.name, this.ns, attrs, c);
    }

    /**
     * A size estimate in characters of the serialized element, for limits: an upper bound (a declaration
     * shared by many elements counts on each, and so does each element's namespace, as the cluster's and the
     * journal's serialization writes it), at most {@code Integer.MAX_VALUE}.
     */
    public int weight() {
        return (int) Math.min(Integer.MAX_VALUE, longWeight());
    }

    private long longWeight() {
        long w = name.length() * 2L + 5 + ns.length();
        for (Map.Entry<String, String> a : attrs.entrySet()) {
            w += a.getKey().length() + a.getValue().length() + 4;
        }
        for (Node n : children) {
            w += n instanceof Element e ? e.longWeight() : ((Text) n).text().length();
            if (w > Integer.MAX_VALUE) {
                return w;
            }
        }
        return w;
    }

    /** Elements may carry message bodies or credentials: print only the outline. */
    @Override
    public String toString() {
        return "<" + name + " xmlns='" + ns + "'" + (children.isEmpty() ? "/>" : ">…</" + name + ">");
    }

    /** Builder for outgoing elements: {@code Element.build("query", NS).attr("ver", v).child(item).get()}. */
    public static Builder build(String name, String ns) {
        return new Builder(name, ns);
    }

    /** Mutable builder; not thread safe. */
    public static final class Builder {
        private final String name;
        private final String ns;
        private final Map<String, String> attrs = new LinkedHashMap<>();
        private final List<Node> children = new ArrayList<>();

        private Builder(String name, String ns) {
            this.name = name;
            this.ns = ns;
        }

        public Builder attr(String key, String value) {
            if (value != null) {
                attrs.put(key, value);
            }
            return this;
        }

        public Builder child(Node child) {
            if (child != null) {
                children.add(child);
            }
            return this;
        }

        public Builder children(List<? extends Node> more) {
            children.addAll(more);
            return this;
        }

        public Builder text(String text) {
            if (text != null) {
                children.add(new Text(text));
            }
            return this;
        }

        /** A child element holding only text, such as {@code <body>}. */
        public Builder textChild(String childName, String childNs, String text) {
            if (text != null) {
                children.add(new Element(childName, childNs, Map.of(), List.of(new Text(text))));
            }
            return this;
        }

        public Element get() {
            return new Element(name, ns, attrs, children);
        }
    }
}
