package chorus.node.xmppstream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.XmlWriter;
import chorus.node.stream.StreamError;

/**
 * Our side of a stream for transports that frame each first-level element on its own instead of sending one XML
 * document: a WebSocket message each (RFC 7395 §3.3.3: "fully namespaced", so a stanza declares
 * {@code jabber:client} and {@code <stream:features/>} its prefix), or a child of a BOSH {@code <body/>}
 * (XEP-0206 §5, whose body wraps them in another namespace).
 */
public final class StandaloneXml {
    private static final String PREFIX_DECLARATION = " xmlns:stream=\"" + Ns.STREAMS + "\"";

    private StandaloneXml() {
    }

    /** An {@link Element} or a {@link Stanza} of our stream, with every namespace it uses declared on it. */
    public static void write(Object item, StringBuilder out) {
        if (item instanceof Stanza s) {
            XmlWriter.write(s.toElement(Ns.CLIENT), "", out);
        } else if (item instanceof StreamError e) {
            e.writeElementTo(out, true);
        } else {
            Element e = (Element) item;
            int start = out.length();
            XmlWriter.write(e, "", out);
            if (e.ns().equals(Ns.STREAMS)) {
                // <stream:NAME ...: the prefix the stream header would have declared is declared right here.
                out.insert(start + 1 + "stream:".length() + e.name().length(), PREFIX_DECLARATION);
            }
        }
    }

    public static String toXml(Object item) {
        StringBuilder sb = new StringBuilder(128);
        write(item, sb);
        return sb.toString();
    }
}
