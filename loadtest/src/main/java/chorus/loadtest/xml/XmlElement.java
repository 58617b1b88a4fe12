package chorus.loadtest.xml;

import java.util.List;
import java.util.Map;

/**
 * One element the server sent, with its subtree: just enough of XML for a client that counts and times
 * stanzas. Attribute names are local names, except {@code xml:lang}.
 */
public record XmlElement(String name, String ns, Map<String, String> attrs, List<XmlElement> children, String text) {

    public XmlElement {
        attrs = Map.copyOf(attrs);
        children = List.copyOf(children);
        text = text == null ? "" : text;
    }

    public boolean is(String name, String ns) {
        return this.name.equals(name) && this.ns.equals(ns);
    }

    /** The attribute's value, or null. */
    public String attr(String name) {
        return attrs.get(name);
    }

    /** The first child of that name and namespace, or null. */
    public XmlElement child(String name, String ns) {
        for (XmlElement c : children) {
            if (c.is(name, ns)) {
                return c;
            }
        }
        return null;
    }

    /** The first child of that local name in any namespace, or null. */
    public XmlElement child(String name) {
        for (XmlElement c : children) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The text of the first child of that local name, or null when there is no such child. */
    public String childText(String name) {
        XmlElement c = child(name);
        return c == null ? null : c.text;
    }

    /** Stanzas may carry message bodies; they never reach a log. */
    @Override
    public String toString() {
        return "XmlElement[" + name + " " + ns + "]";
    }
}
