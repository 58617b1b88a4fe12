package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Text;

import javax.xml.stream.XMLStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one first-level element at a time straight from parser events (a stream's stanzas, a file's elements). Each depth keeps a scratch frame
 * (attributes, children, text) that is reused from stanza to stanza: {@link Element}'s constructor copies
 * what it is given, so the tree itself is the only allocation per stanza.
 */
public final class ElementTree {
    /** Scratch buffers that grew past these are dropped after use, so an idle stream holds little memory. */
    private static final int KEEP_TEXT_CHARS = 8192;
    private static final int KEEP_ATTRS = 32;
    private static final int KEEP_CHILDREN = 64;

    private Frame[] frames = new Frame[8];
    private int depth;

    private static final class Frame {
        String name;
        String ns;
        Map<String, String> attrs = new LinkedHashMap<>();
        List<Node> children = new ArrayList<>();
        StringBuilder text;
    }

    /** Open elements: 0 between stanzas, 1 inside a stanza's own start tag, and so on. */
    public int depth() {
        return depth;
    }

    /** Opens an element at the reader's START_ELEMENT. */
    public void start(XMLStreamReader reader) {
        if (depth > 0) {
            flushText(frames[depth - 1]);
        }
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
        }
        Frame f = frames[depth];
        if (f == null) {
            f = frames[depth] = new Frame();
        }
        f.name = reader.getLocalName();
        f.ns = nsOf(reader.getNamespaceURI());
        readAttributes(reader, f.attrs);
        depth++;
    }

    public void text(char[] chars, int start, int length) {
        Frame f = frames[depth - 1];
        if (f.text == null) {
            f.text = new StringBuilder(Math.max(16, length));
        }
        f.text.append(chars, start, length);
    }

    /** Closes the innermost element; returns it when it was first-level, else adds it to its parent. */
    public Element end() {
        Frame f = frames[--depth];
        flushText(f);
        Element e = new Element(f.name, f.ns, f.attrs, f.children);
        clear(f);
        if (depth == 0) {
            return e;
        }
        frames[depth - 1].children.add(e);
        return null;
    }

    /** Drops a half-built element. */
    public void reset() {
        while (depth > 0) {
            clear(frames[--depth]);
        }
    }

    /**
     * Attributes keyed as {@link Element} documents: local name, {@code xml:lang}, or {@code prefix:local} for
     * an attribute in another namespace, with the element also holding the prefix's declaration
     * ({@code xmlns:prefix}). The declaration's value is the parser's own URI string, one instance for every
     * attribute and element that uses it, so an attribute costs its own bytes, never another copy of the URI.
     */
    static void readAttributes(XMLStreamReader reader, Map<String, String> into) {
        for (int i = 0, n = reader.getAttributeCount(); i < n; i++) {
            String uri = reader.getAttributeNamespace(i);
            String local = reader.getAttributeLocalName(i);
            if (uri == null || uri.isEmpty()) {
                into.put(local, reader.getAttributeValue(i));
            } else if (Ns.XML.equals(uri)) {
                into.put("lang".equals(local) ? "xml:lang" : "xml:" + local, reader.getAttributeValue(i));
            } else {
                String prefix = reader.getAttributePrefix(i);
                into.put(prefix + ":" + local, reader.getAttributeValue(i));
                into.put(declarationKey(prefix), uri);
            }
        }
    }

    /** {@code xmlns:prefix}; the common prefixes' keys are shared. */
    private static String declarationKey(String prefix) {
        return prefix.length() == 1 && prefix.charAt(0) < 128 ? DECLARATION_KEYS[prefix.charAt(0)] : "xmlns:" + prefix;
    }

    private static final String[] DECLARATION_KEYS = new String[128];

    static {
        for (int c = 0; c < 128; c++) {
            DECLARATION_KEYS[c] = "xmlns:" + (char) c;
        }
    }

    static String nsOf(String uri) {
        return uri == null ? "" : uri;
    }

    private static void flushText(Frame f) {
        StringBuilder t = f.text;
        if (t != null && t.length() > 0) {
            f.children.add(new Text(t.toString()));
            if (t.capacity() > KEEP_TEXT_CHARS) {
                f.text = null;
            } else {
                t.setLength(0);
            }
        }
    }

    private static void clear(Frame f) {
        f.name = null;
        f.ns = null;
        if (f.attrs.size() > KEEP_ATTRS) {
            f.attrs = new LinkedHashMap<>();
        } else {
            f.attrs.clear();
        }
        if (f.children.size() > KEEP_CHILDREN) {
            f.children = new ArrayList<>();
        } else {
            f.children.clear();
        }
        if (f.text != null) {
            if (f.text.capacity() > KEEP_TEXT_CHARS) {
                f.text = null;
            } else {
                f.text.setLength(0);
            }
        }
    }
}
