package chorus.actors.xmpp;

import java.util.Map;

/**
 * Serializes elements as XML text, declaring a default namespace only where it changes, so a stanza
 * written inside a {@code jabber:client} stream carries no redundant declarations.
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
        // Elements of the streams namespace (features, error) use the 'stream' prefix that the
        // stream header declares; their children keep the stream's default namespace as parent.
        boolean streamNs = e.ns().equals(Ns.STREAMS);
        String name = streamNs ? "stream:" + e.name() : e.name();
        String childParent = streamNs ? parentNs : e.ns();
        out.append('<').append(name);
        if (!streamNs && !e.ns().equals(parentNs)) {
            out.append(" xmlns=\"");
            escapeAttr(e.ns(), out);
            out.append('"');
        }
        int prefixes = 0;
        for (Map.Entry<String, String> a : e.attrs().entrySet()) {
            String key = a.getKey();
            if (key.startsWith("{")) {
                int close = key.indexOf('}');
                String prefix = "a" + (prefixes++);
                out.append(" xmlns:").append(prefix).append("=\"");
                escapeAttr(key.substring(1, close), out);
                out.append("\" ").append(prefix).append(':').append(key, close + 1, key.length());
            } else {
                out.append(' ').append(key);
            }
            out.append("=\"");
            escapeAttr(a.getValue(), out);
            out.append('"');
        }
        if (e.children().isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Node n : e.children()) {
            if (n instanceof Element c) {
                write(c, childParent, out);
            } else {
                escapeText(((Text) n).text(), out);
            }
        }
        out.append("</").append(name).append('>');
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
