package chorus.node.portable;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Text;
import chorus.node.stream.ElementTree;
import com.fasterxml.aalto.stax.InputFactoryImpl;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an XEP-0227 document ({@code <server-data xmlns='urn:xmpp:pie:0'>}, or the older
 * {@code http://www.xmpp.org/extensions/xep-0227.html#ns} older ejabberd versions wrote), or a document whose root is
 * one {@code <host/>} (the per-host files ejabberd's {@code export_piefxis} XIncludes from its main file), one
 * {@code <user/>} at a time, so a file
 * of any number of accounts takes the memory of its largest account only. No DTD is read and no entity expanded.
 * The message archive ({@code <archive xmlns='urn:xmpp:pie:0#mam'/>}) is skipped unread; a user larger than
 * {@link #MAX_USER_CHARS} is skipped and named.
 */
final class PieReader {
    static final String NS = "urn:xmpp:pie:0";
    static final String LEGACY_NS = "http://www.xmpp.org/extensions/xep-0227.html#ns";
    static final String XINCLUDE = "http://www.w3.org/2001/XInclude";
    static final String MAM_NS = "urn:xmpp:pie:0#mam";
    /** Characters of one {@code <user/>}: its offline messages (10 MiB at most here) and far more fit. */
    static final long MAX_USER_CHARS = 64L * 1024 * 1024;

    /** What the document holds, as it is read. */
    interface Listener {
        /** One {@code <user/>} of {@code host}, whitespace between its elements left out. */
        void user(String host, Element user);

        /** Something the reader left out or could not take, in words for the admin (never a value). */
        void note(String note);
    }

    private static final XMLInputFactory FACTORY = factory();

    private PieReader() {
    }

    static void read(InputStream in, Listener listener) throws IOException {
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(in);
            try {
                read(r, listener);
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw new IOException("not a well-formed XEP-0227 document: " + firstLine(e.getMessage()), e);
        }
    }

    private static void read(XMLStreamReader r, Listener listener) throws XMLStreamException, IOException {
        int depth = 0;
        String host = null;
        // Where <host/> elements are: under <server-data/>, or the root itself.
        int hostDepth = 2;
        ElementTree tree = null;
        long chars = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamReader.START_ELEMENT) {
                depth++;
                if (tree != null) {
                    if (tree.depth() == 1 && r.getLocalName().equals("archive") && MAM_NS.equals(r.getNamespaceURI())) {
                        skip(r);
                        depth--;
                        listener.note("message archives are not carried");
                        continue;
                    }
                    tree.start(r);
                    chars += 16 + r.getAttributeCount() * 16L;
                } else if (XINCLUDE.equals(r.getNamespaceURI()) && r.getLocalName().equals("include")) {
                    listener.note("the document includes " + r.getAttributeValue(null, "href")
                        + ": import that file as well");
                } else if (depth == 1 && r.getLocalName().equals("host") && pie(r.getNamespaceURI())) {
                    hostDepth = 1;
                    host = r.getAttributeValue(null, "jid");
                } else if (depth == 1) {
                    if (!r.getLocalName().equals("server-data") || !pie(r.getNamespaceURI())) {
                        throw new IOException("not an XEP-0227 document: the root is neither <server-data xmlns='" + NS
                            + "'> nor <host xmlns='" + NS + "'>");
                    }
                } else if (depth == hostDepth && r.getLocalName().equals("host") && pie(r.getNamespaceURI())) {
                    host = r.getAttributeValue(null, "jid");
                } else if (depth == hostDepth + 1 && host != null && r.getLocalName().equals("user") && pie(r.getNamespaceURI())) {
                    tree = new ElementTree();
                    tree.start(r);
                    chars = 0;
                } else {
                    listener.note("<" + r.getLocalName() + " xmlns='" + r.getNamespaceURI() + "'> outside a user is not carried");
                    skip(r);
                    depth--;
                }
            } else if (ev == XMLStreamReader.CHARACTERS || ev == XMLStreamReader.CDATA || ev == XMLStreamReader.SPACE) {
                if (tree != null) {
                    tree.text(r.getTextCharacters(), r.getTextStart(), r.getTextLength());
                    chars += r.getTextLength();
                }
            } else if (ev == XMLStreamReader.END_ELEMENT) {
                depth--;
                if (tree != null) {
                    Element done = tree.end();
                    if (done != null) {
                        tree = null;
                        listener.user(host, trimmed(done));
                    } else if (chars > MAX_USER_CHARS) {
                        String name = "a user";
                        tree.reset();
                        tree = null;
                        skipToDepth(r, depth, hostDepth);
                        depth = hostDepth;
                        listener.note(name + " of " + host + " is larger than " + MAX_USER_CHARS / (1024 * 1024)
                            + " MiB of text and was left out");
                    }
                } else if (depth == hostDepth - 1) {
                    host = null;
                }
            }
        }
    }

    private static boolean pie(String ns) {
        return NS.equals(ns) || LEGACY_NS.equals(ns);
    }

    /** Skips the element the reader is at the start of, to its end. */
    private static void skip(XMLStreamReader r) throws XMLStreamException {
        int open = 1;
        while (open > 0 && r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamReader.START_ELEMENT) {
                open++;
            } else if (ev == XMLStreamReader.END_ELEMENT) {
                open--;
            }
        }
    }

    /** Reads on until the element open at depth {@code target + 1} has closed ({@code depth}: where the reader is). */
    private static void skipToDepth(XMLStreamReader r, int depth, int target) throws XMLStreamException {
        while (depth > target && r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamReader.START_ELEMENT) {
                depth++;
            } else if (ev == XMLStreamReader.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** The element without the whitespace between its child elements (indentation); text-only content stays. */
    static Element trimmed(Element e) {
        if (e.elements().isEmpty()) {
            return e;
        }
        List<Node> kept = new ArrayList<>(e.children().size());
        for (Node n : e.children()) {
            if (n instanceof Element c) {
                kept.add(trimmed(c));
            } else if (!((Text) n).text().isBlank()) {
                kept.add(n);
            }
        }
        return e.withChildren(kept);
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static XMLInputFactory factory() {
        InputFactoryImpl f = new InputFactoryImpl();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }
}
