package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.UncheckedStreamException;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transport-free core of the stream decoder: bytes of one side of an XMPP stream in, {@link StreamEvent}s
 * out, on Aalto's non-blocking parser. Bytes may come in any fragments. It enforces RFC 6120 §11 (UTF-8 only,
 * no DTD, comments, processing instructions or entity references) and {@link StreamLimits}; after a
 * {@link StreamEvent.StreamFailed} it discards input until {@link #reset()}.
 *
 * <p>Not thread safe: one instance per connection, used from its event loop.
 */
public final class XmlStreamParser {
    /**
     * The longest namespace name (no XMPP namespace comes near it). An element's namespace is one string shared by
     * every element that inherits it, and the cluster's serializer writes such a string once only up to about 3000
     * characters (CBOR string references); past that, thousands of children in one declared namespace would each
     * carry a copy between nodes.
     */
    static final int MAX_NAMESPACE_CHARS = 1024;

    /** Bytes handed to the parser at once, so limits are checked at least this often. */
    private static final int SLICE = 8192;

    private enum Phase {
        /** Before the stream header is complete. */
        PROLOG,
        STREAM,
        /** After {@code <starttls/>}: nothing but whitespace may follow until TLS starts. */
        AWAIT_TLS,
        /** After {@code </stream:stream>}: nothing but whitespace may follow. */
        CLOSED,
        FAILED
    }

    private final StreamLimits limits;
    private final String contentNs;
    private final ElementTree tree = new ElementTree();
    private final Utf8Validator utf8 = new Utf8Validator();

    private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    private Phase phase;
    /** Bytes of this document handed to the reader before the current slice. */
    private long fed;
    /** Where the current slice starts in the caller's array; Aalto's offsets count from there. */
    private int sliceOffset;
    /** Where the unit being read began: the current stanza, or the end of the last thing fully read. */
    private long unitStart;
    /** Prolog scan state: bytes seen (up to 2), whether the last was '<', whether the root has begun. */
    private int prologBytes;
    private boolean afterLt;
    private boolean rootSeen;

    /**
     * @param contentNs the default namespace the peer's header must declare: {@code jabber:client} on
     *                  client connections, {@code jabber:server} between servers
     */
    public XmlStreamParser(StreamLimits limits, String contentNs) {
        this.limits = limits;
        this.contentNs = contentNs;
        reset();
    }

    /**
     * Starts over on a new XML document, which may open with an XML declaration: after STARTTLS and after
     * SASL success (RFC 6120 §4.3.3). Call it before the peer can send the new header, that is before
     * writing {@code <success/>}.
     */
    public void reset() {
        reader = Aalto.newReader();
        phase = Phase.PROLOG;
        fed = 0;
        unitStart = 0;
        prologBytes = 0;
        afterLt = false;
        rootSeen = false;
        utf8.reset();
        tree.reset();
    }

    /** True once the stream failed: input is discarded until {@link #reset()}. */
    public boolean isFailed() {
        return phase == Phase.FAILED;
    }

    /** Parses these bytes, adding what they complete to {@code out}. The array is not kept. */
    public void feed(byte[] bytes, int offset, int length, List<? super StreamEvent> out) {
        while (length > 0 && phase != Phase.FAILED) {
            int n = Math.min(length, SLICE);
            if (phase == Phase.AWAIT_TLS || phase == Phase.CLOSED) {
                onlyWhitespace(bytes, offset, offset + n, out);
            } else {
                parse(bytes, offset, n, out);
            }
            offset += n;
            length -= n;
        }
    }

    private void parse(byte[] bytes, int offset, int length, List<? super StreamEvent> out) {
        int bad = utf8.check(bytes, offset, length);
        int end = bad < 0 ? offset + length : bad;
        if (!rootSeen && !scanProlog(bytes, offset, end, out)) {
            return;
        }
        // Parse up to a bad byte first, so what came before it still arrives.
        if (end > offset) {
            sliceOffset = offset;
            try {
                reader.getInputFeeder().feedInput(bytes, offset, end - offset);
                int event;
                while ((event = reader.next()) != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                    if (!onEvent(event, bytes, offset + length, out)) {
                        return;
                    }
                }
            } catch (XMLStreamException | UncheckedStreamException e) {
                fail(Aalto.conditionOf(e), Aalto.reason(e), out);
                return;
            }
            fed += end - offset;
        }
        if (bad >= 0) {
            // RFC 6120 §4.9.3.22: "improperly encoded the stream (e.g., by violating the rules of UTF-8)".
            fail(StreamErrors.UNSUPPORTED_ENCODING, "the stream is not valid UTF-8", out);
        } else if (phase == Phase.PROLOG && fed > limits.maxHeaderBytes()) {
            fail(StreamErrors.POLICY_VIOLATION, "stream header over " + limits.maxHeaderBytes() + " bytes", out);
        } else if (phase == Phase.STREAM && fed - unitStart > limits.maxStanzaBytes()) {
            fail(StreamErrors.POLICY_VIOLATION, "stanza over " + limits.maxStanzaBytes() + " bytes", out);
        }
    }

    /**
     * Looks at the prolog before the parser does. RFC 6120 §11.1 forbids a DTD and comments; both start
     * with "&lt;!", and Aalto reports a DOCTYPE only once it is complete (and fails on an internal subset
     * with a generic error), so catch them here. A NUL in the first two bytes means UTF-16 or UTF-32 (XML
     * 1.0 Appendix F). Returns false when the stream failed.
     */
    private boolean scanProlog(byte[] bytes, int offset, int end, List<? super StreamEvent> out) {
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (prologBytes < 2) {
                if (b == 0) {
                    return fail(StreamErrors.UNSUPPORTED_ENCODING, "only UTF-8 is allowed (RFC 6120 §11.6)", out);
                }
                prologBytes++;
            }
            if (afterLt) {
                if (b == '!') {
                    return fail(StreamErrors.RESTRICTED_XML, "no DTD or comment is allowed (RFC 6120 §11.1)", out);
                }
                if (b != '?') {
                    rootSeen = true; // past the prolog: from here on "<!" may start CDATA
                    return true;
                }
            }
            afterLt = b == '<';
        }
        return true;
    }

    /** Handles one parser event; false when parsing this document stops. */
    private boolean onEvent(int event, byte[] bytes, int sliceEnd, List<? super StreamEvent> out)
            throws XMLStreamException {
        switch (event) {
            case XMLStreamConstants.START_ELEMENT:
                return phase == Phase.PROLOG ? onStreamOpen(out) : onStart(out);
            case XMLStreamConstants.END_ELEMENT:
                return onEnd(bytes, sliceEnd, out);
            case XMLStreamConstants.CHARACTERS:
            case XMLStreamConstants.CDATA:
            case XMLStreamConstants.SPACE:
                return onText(out);
            case XMLStreamConstants.START_DOCUMENT: {
                String encoding = reader.getCharacterEncodingScheme(); // as declared, or null
                if (encoding != null && !"UTF-8".equalsIgnoreCase(encoding)) {
                    return fail(StreamErrors.UNSUPPORTED_ENCODING, "only UTF-8 is allowed (RFC 6120 §11.6)", out);
                }
                return true;
            }
            case XMLStreamConstants.COMMENT:
                return fail(StreamErrors.RESTRICTED_XML, "no comments are allowed (RFC 6120 §11.1)", out);
            case XMLStreamConstants.PROCESSING_INSTRUCTION:
                return fail(StreamErrors.RESTRICTED_XML, "no processing instructions are allowed (RFC 6120 §11.1)", out);
            case XMLStreamConstants.DTD:
                return fail(StreamErrors.RESTRICTED_XML, "no DTD is allowed (RFC 6120 §11.1)", out);
            case XMLStreamConstants.ENTITY_REFERENCE:
                return fail(StreamErrors.RESTRICTED_XML, "only the predefined entities are allowed (RFC 6120 §11.1)", out);
            default:
                return true;
        }
    }

    private boolean onStreamOpen(List<? super StreamEvent> out) throws XMLStreamException {
        // RFC 6120 §4.8.1: the root is <stream> in the streams namespace; §4.8.2: the content namespace.
        if (!"stream".equals(reader.getLocalName()) || !Ns.STREAMS.equals(reader.getNamespaceURI())) {
            return fail(StreamErrors.INVALID_NAMESPACE, "the root must be <stream/> in " + Ns.STREAMS, out);
        }
        if (!withinCaps(out)) {
            return false;
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0, n = reader.getNamespaceCount(); i < n; i++) {
            String prefix = reader.getNamespacePrefix(i);
            attrs.put(prefix == null || prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix,
                ElementTree.nsOf(reader.getNamespaceURI(i)));
        }
        if (!contentNs.equals(attrs.get("xmlns"))) {
            return fail(StreamErrors.INVALID_NAMESPACE, "the default namespace must be " + contentNs, out);
        }
        ElementTree.readAttributes(reader, attrs);
        long end = position();
        if (end > limits.maxHeaderBytes()) {
            return fail(StreamErrors.POLICY_VIOLATION, "stream header over " + limits.maxHeaderBytes() + " bytes", out);
        }
        phase = Phase.STREAM;
        unitStart = end;
        out.add(new StreamEvent.StreamOpen(attrs));
        return true;
    }

    private boolean onStart(List<? super StreamEvent> out) {
        if (tree.depth() == 0 && "stream".equals(reader.getLocalName()) && Ns.STREAMS.equals(reader.getNamespaceURI())) {
            // Well-formed XML, but a stream has one header; a restart needs reset() first (RFC 6120 §4.3.3).
            return fail(StreamErrors.BAD_FORMAT, "a stream header inside the stream", out);
        }
        if (tree.depth() >= limits.maxDepth()) {
            return fail(StreamErrors.POLICY_VIOLATION, "elements nested over " + limits.maxDepth() + " deep", out);
        }
        if (!withinCaps(out)) {
            return false;
        }
        tree.start(reader);
        return true;
    }

    /**
     * Counts the start tag's attributes and namespace declarations before anything is built from it: what
     * the parser holds of a start tag is proportional to its bytes, what a tree of many attributes would
     * cost need not be.
     */
    private boolean withinCaps(List<? super StreamEvent> out) {
        if (reader.getAttributeCount() > limits.maxAttributes()) {
            return fail(StreamErrors.POLICY_VIOLATION, "more than " + limits.maxAttributes() + " attributes on an element", out);
        }
        if (reader.getNamespaceCount() > limits.maxNamespaces()) {
            return fail(StreamErrors.POLICY_VIOLATION,
                "more than " + limits.maxNamespaces() + " namespace declarations on an element", out);
        }
        for (int i = 0, n = reader.getNamespaceCount(); i < n; i++) {
            String uri = reader.getNamespaceURI(i);
            if (uri != null && uri.length() > MAX_NAMESPACE_CHARS) {
                return fail(StreamErrors.POLICY_VIOLATION, "a namespace name over " + MAX_NAMESPACE_CHARS + " characters", out);
            }
        }
        return true;
    }

    private boolean onEnd(byte[] bytes, int sliceEnd, List<? super StreamEvent> out) throws XMLStreamException {
        if (tree.depth() == 0) {
            phase = Phase.CLOSED;
            out.add(new StreamEvent.StreamClosed());
            onlyWhitespace(bytes, bufferIndex(), sliceEnd, out);
            return false;
        }
        Element element = tree.end();
        if (element == null) {
            return true;
        }
        long end = position();
        if (end - unitStart > limits.maxStanzaBytes()) {
            return fail(StreamErrors.POLICY_VIOLATION, "stanza over " + limits.maxStanzaBytes() + " bytes", out);
        }
        unitStart = end;
        out.add(new StreamEvent.StanzaReceived(element));
        if (element.is("starttls", Ns.TLS)) {
            // RFC 6120 §5.4.3.3: the client waits for <proceed/>; what it sends before TLS is unprotected.
            phase = Phase.AWAIT_TLS;
            onlyWhitespace(bytes, bufferIndex(), sliceEnd, out);
            return false;
        }
        return true;
    }

    private boolean onText(List<? super StreamEvent> out) throws XMLStreamException {
        if (tree.depth() > 0) {
            tree.text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
            return true;
        }
        if (!reader.isWhiteSpace()) {
            // Well-formed, but the stream's content is elements only (RFC 6120 Appendix A.1).
            return fail(StreamErrors.BAD_FORMAT, "text between stanzas", out);
        }
        unitStart = position(); // whitespace keepalives are dropped and do not count toward the next stanza
        return true;
    }

    /**
     * After {@code </stream:stream>} or {@code <starttls/>} only whitespace may come: data after the root is
     * not well-formed XML, and data before TLS is a protocol violation (RFC 6120 §5.4.3.3).
     */
    private void onlyWhitespace(byte[] bytes, int from, int to, List<? super StreamEvent> out) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                if (phase == Phase.CLOSED) {
                    fail(StreamErrors.NOT_WELL_FORMED, "data after the end of the stream", out);
                } else {
                    fail(StreamErrors.POLICY_VIOLATION, "data after <starttls/> before TLS", out);
                }
                return;
            }
        }
    }

    /** Bytes of this document up to the end of the current event. */
    private long position() throws XMLStreamException {
        // Aalto counts earlier slices by length but the current one from the array's index 0.
        return reader.getLocationInfo().getEndingByteOffset() - sliceOffset;
    }

    /** The array index just past the current event. */
    private int bufferIndex() throws XMLStreamException {
        return (int) (position() - fed) + sliceOffset;
    }

    private boolean fail(String condition, String text, List<? super StreamEvent> out) {
        phase = Phase.FAILED;
        tree.reset();
        out.add(new StreamEvent.StreamFailed(condition, text));
        return false;
    }
}
