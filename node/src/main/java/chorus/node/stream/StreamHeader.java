package chorus.node.stream;

import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.XmlWriter;

/**
 * Our stream header (RFC 6120 §4.7), written with an XML declaration. Null attributes are left out.
 *
 * @param ns the content namespace, {@code jabber:client} or {@code jabber:server}
 */
public record StreamHeader(String from, String to, String id, String version, String lang, String ns) {
    /** XEP-0220's namespace, declared as {@code db} on server-to-server stream headers. */
    public static final String DIALBACK = "jabber:server:dialback";

    public StreamHeader {
        ns = ns == null ? Ns.CLIENT : ns;
    }

    /** A client-to-server header answering a version 1.0 peer. */
    public static StreamHeader client(String from, String to, String id, String lang) {
        return new StreamHeader(from, to, id, "1.0", lang, Ns.CLIENT);
    }

    void writeTo(StringBuilder out) {
        out.append("<?xml version='1.0'?><stream:stream xmlns='");
        XmlWriter.escapeAttr(ns, out);
        out.append("' xmlns:stream='").append(Ns.STREAMS).append('\'');
        if (Ns.SERVER.equals(ns)) {
            // XEP-0220 §2.1: a server declares the dialback namespace on its stream header (peers look for it).
            out.append(" xmlns:db='").append(DIALBACK).append('\'');
        }
        attr(out, "from", from);
        attr(out, "to", to);
        attr(out, "id", id);
        attr(out, "version", version);
        attr(out, "xml:lang", lang);
        out.append('>');
    }

    private static void attr(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(' ').append(name).append("='");
            XmlWriter.escapeAttr(value, out);
            out.append('\'');
        }
    }
}
