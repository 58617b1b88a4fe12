package chorus.loadtest.xml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The incoming half of one XMPP stream: bytes in any fragments, out come the stream header, each
 * top-level element (RFC 6120 §4.1: children of the stream root are stanzas or stream-level elements)
 * and the end of the stream. {@link #reset()} starts a new document, as after STARTTLS and SASL success.
 * Not thread safe: one per connection, used on its event loop.
 */
public final class XmlFramer {

    /** What the framer finds. Called on the thread that feeds it. */
    public interface Events {
        void streamOpened(Map<String, String> attrs);

        void element(XmlElement element);

        void streamClosed();
    }

    private static final AsyncXMLInputFactory FACTORY = newFactory();

    private final Events events;
    private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    private final Deque<Partial> open = new ArrayDeque<>();
    private int depth;

    public XmlFramer(Events events) {
        this.events = events;
        reset();
    }

    public void reset() {
        reader = FACTORY.createAsyncForByteArray();
        open.clear();
        depth = 0;
    }

    /** Parses what these bytes complete; the bytes may be reused once this returns. */
    public void feed(byte[] bytes, int offset, int length) throws XMLStreamException {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = reader;
        r.getInputFeeder().feedInput(bytes, offset, length);
        while (r == reader) {
            int ev = r.next();
            if (ev == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                return;
            }
            switch (ev) {
                case XMLStreamConstants.START_ELEMENT -> start(r);
                case XMLStreamConstants.END_ELEMENT -> end();
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (!open.isEmpty()) {
                        open.peek().text.append(r.getText());
                    }
                }
                case XMLStreamConstants.END_DOCUMENT -> {
                    return;
                }
                default -> {
                    // comments, processing instructions, the XML declaration: nothing to count
                }
            }
        }
    }

    private void start(AsyncXMLStreamReader<AsyncByteArrayFeeder> r) {
        depth++;
        Map<String, String> attrs = new HashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String prefix = r.getAttributePrefix(i);
            String name = "xml".equals(prefix) ? "xml:" + r.getAttributeLocalName(i) : r.getAttributeLocalName(i);
            attrs.put(name, r.getAttributeValue(i));
        }
        if (depth == 1) {
            events.streamOpened(attrs);
            return;
        }
        String ns = r.getNamespaceURI();
        open.push(new Partial(r.getLocalName(), ns == null ? "" : ns, attrs));
    }

    private void end() {
        depth--;
        if (depth == 0) {
            events.streamClosed();
            return;
        }
        Partial p = open.pop();
        XmlElement e = new XmlElement(p.name, p.ns, p.attrs, p.children, p.text.toString());
        if (open.isEmpty()) {
            events.element(e);
        } else {
            open.peek().children.add(e);
        }
    }

    /** An element whose end tag has not arrived yet. */
    private static final class Partial {
        final String name;
        final String ns;
        final Map<String, String> attrs;
        final List<XmlElement> children = new ArrayList<>(2);
        final StringBuilder text = new StringBuilder();

        Partial(String name, String ns, Map<String, String> attrs) {
            this.name = name;
            this.ns = ns;
            this.attrs = attrs;
        }
    }

    private static AsyncXMLInputFactory newFactory() {
        InputFactoryImpl f = new InputFactoryImpl();
        // RFC 6120 §11.1: streams carry no DTD; nothing is fetched or expanded.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }
}
