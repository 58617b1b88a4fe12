package chorus.actors.xmpp;

import java.util.Map;

/**
 * Serializes elements as XML text, declaring a default namespace only where it changes, so a stanza
 * written inside a {@code jabber:client} stream carries no redundant declarations.
 *
 * <p>What a peer sent is never written larger than it came by more than a few bytes: the namespaces of
 * prefixed attributes are declared once, on the element written (see {@link NamespacePlan}), a namespace
 * that would otherwise be declared again and again is given a prefix, attribute values take the quote
 * that needs fewer escapes, and text is escaped or put in CDATA sections, whichever is shorter
 * ({@link TextWriter}).
 */
public final class XmlWriter {
    private XmlWriter() {
    }

    public static String toXml(Element e, String parentNs) {
        StringBuilder sb = new StringBuilder(64 + e.weight());
        write(e, parentNs, sb);
        return sb.toString();
    }

    public static void write(Element e, String parentNs, StringBuilder out) {
        NamespacePlan plan = NamespacePlan.of(e, parentNs);
        write(e, parentNs, plan, true, out);
    }

    private static void write(Element e, String defaultNs, NamespacePlan plan, boolean root, StringBuilder out) {
        // Elements of the streams namespace (features, error) use the 'stream' prefix that the
        // stream header declares; their children keep the stream's default namespace.
        String ns = e.ns();
        String prefix = ns.equals(Ns.STREAMS) ? "stream" : plan.elementPrefix(ns);
        String name = prefix == null ? e.name() : prefix + ":" + e.name();
        String childDefault = defaultNs;
        out.append('<').append(name);
        if (prefix == null && !ns.equals(defaultNs)) {
            out.append(" xmlns=");
            attrValue(ns, out);
            childDefault = ns;
        }
        if (root) {
            plan.declare(out);
        }
        for (Map.Entry<String, String> a : e.attrs().entrySet()) {
            String key = a.getKey();
            if (key.startsWith("xmlns:")) {
                continue; // declared on the root by the plan
            }
            String outKey = plan.attributeKey(e, key);
            out.append(' ').append(outKey).append('=');
            attrValue(a.getValue(), out);
        }
        if (e.children().isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Node n : e.children()) {
            if (n instanceof Element c) {
                write(c, childDefault, plan, false, out);
            } else {
                TextWriter.write(((Text) n).text(), out);
            }
        }
        out.append("</").append(name).append('>');
    }

    /**
     * An attribute value in the quote that occurs less in it: a parser had to read each of those escaped,
     * so the value is written no longer than it came. {@code >} and the other quote need no escape.
     */
    static void attrValue(String s, StringBuilder out) {
        int dq = 0;
        int sq = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                dq++;
            } else if (c == '\'') {
                sq++;
            }
        }
        char quote = dq > sq ? '\'' : '"';
        out.append(quote);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                // XML 1.0 §3.3.3: literal whitespace in a value would be normalized to a space.
                case '\n': out.append("&#10;"); break;
                case '\r': out.append("&#13;"); break;
                case '\t': out.append("&#9;"); break;
                default:
                    if (c == quote) {
                        out.append(quote == '"' ? "&#34;" : "&#39;");
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append(quote);
    }

    public static void escapeText(String s, StringBuilder out) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                // A parser would turn a literal CR into LF (XML 1.0 §2.11).
                case '\r': out.append("&#13;"); break;
                default: out.append(c);
            }
        }
    }

    public static void escapeAttr(String s, StringBuilder out) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&apos;"); break;
                case '\n': out.append("&#10;"); break;
                case '\r': out.append("&#13;"); break;
                case '\t': out.append("&#9;"); break;
                default: out.append(c);
            }
        }
    }
}
