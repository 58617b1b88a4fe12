package chorus.node.bosh;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.XmlWriter;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code <body/>} wrapper of XEP-0124 §4: a request's is parsed by the same {@link XmlStreamParser} as a TCP
 * stream (UTF-8 only, no DTD, comment, processing instruction or entity, the depth limit, the size limit for the whole
 * body); a response's is written around payloads already serialized with their namespaces.
 */
final class BoshBody {
    static final String NS = "http://jabber.org/protocol/httpbind";
    /** XEP-0206 §3: the attributes of XMPP over BOSH. */
    static final String XBOSH = "urn:xmpp:xbosh";
    private static final byte[] PRELUDE = ("<stream:stream xmlns='" + Ns.CLIENT + "' xmlns:stream='" + Ns.STREAMS + "'>")
        .getBytes(StandardCharsets.UTF_8);

    private BoshBody() {
    }

    /** A body that is not one well-formed {@code <body/>} in the BOSH namespace, with why. */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /** Parses a request's body: one {@code <body/>} element, after an XML declaration if the client sent one. */
    static Element parse(byte[] bytes, StreamLimits limits) throws Malformed {
        XmlStreamParser parser = new XmlStreamParser(limits, Ns.CLIENT);
        List<StreamEvent> events = new ArrayList<>(2);
        parser.feed(PRELUDE, 0, PRELUDE.length, events);
        events.clear();
        int start = afterDeclaration(bytes);
        parser.feed(bytes, start, bytes.length - start, events);
        if (events.size() == 1 && events.get(0) instanceof StreamEvent.StanzaReceived s && s.element().is("body", NS)) {
            return s.element();
        }
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.StreamFailed f) {
                throw new Malformed(f.condition() + ": " + f.text());
            }
        }
        throw new Malformed("not one complete <body xmlns='" + NS + "'/>");
    }

    private static int afterDeclaration(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        if (i + 5 < b.length && new String(b, i, 6, StandardCharsets.US_ASCII).equals("<?xml ")) {
            for (int j = i + 6; j + 1 < b.length; j++) {
                if (b[j] == '?' && b[j + 1] == '>') {
                    return j + 2;
                }
            }
        }
        return i;
    }

    /**
     * The payloads of a request, as first-level elements of the stream. XEP-0206 §5 wants them in
     * {@code jabber:client}; some clients leave them in the body's namespace, which is taken to mean the same.
     */
    static List<Element> payloads(Element body) {
        List<Element> out = new ArrayList<>();
        for (Element e : body.elements()) {
            out.add(e.ns().equals(NS) ? requalify(e) : e);
        }
        return out;
    }

    private static Element requalify(Element e) {
        List<Node> children = new ArrayList<>(e.children().size());
        for (Node n : e.children()) {
            children.add(n instanceof Element c && c.ns().equals(NS) ? requalify(c) : n);
        }
        return new Element(e.name(), Ns.CLIENT, e.attrs(), children);
    }

    /** A response: {@code attrs} (keys as written, {@code xmpp:...} for XEP-0206's) around the payloads. */
    static String response(Map<String, String> attrs, List<String> payloads) {
        int size = 160 + payloads.stream().mapToInt(String::length).sum();
        StringBuilder sb = new StringBuilder(size);
        sb.append("<body xmlns='").append(NS).append("' xmlns:stream='").append(Ns.STREAMS)
            .append("' xmlns:xmpp='").append(XBOSH).append('\'');
        attrs.forEach((k, v) -> {
            sb.append(' ').append(k).append("='");
            XmlWriter.escapeAttr(v, sb);
            sb.append('\'');
        });
        if (payloads.isEmpty()) {
            return sb.append("/>").toString();
        }
        sb.append('>');
        payloads.forEach(sb::append);
        return sb.append("</body>").toString();
    }

    /** XEP-0124 §17: a terminal binding error (or, with a null condition, the answer to the client's terminate). */
    static String terminate(String condition) {
        return condition == null ? response(Map.of("type", "terminate"), List.of())
            : response(Map.of("type", "terminate", "condition", condition), List.of());
    }

    /** An attribute of the request in XEP-0206's namespace ({@code xmpp:version}, {@code xmpp:restart}). */
    static String xbosh(Element body, String local) {
        // The parser keys an attribute of another namespace as prefix:local, with the prefix's declaration beside it
        // (xmlns:prefix); the client chooses the prefix.
        for (Map.Entry<String, String> a : body.attrs().entrySet()) {
            String key = a.getKey();
            int colon = key.indexOf(':');
            if (colon > 0 && key.endsWith(":" + local) && colon == key.length() - local.length() - 1
                && !key.startsWith("xmlns:") && XBOSH.equals(body.attr("xmlns:" + key.substring(0, colon)))) {
                return a.getValue();
            }
        }
        return null;
    }

    static long number(Element body, String attr, long otherwise) {
        String v = body.attr(attr);
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
