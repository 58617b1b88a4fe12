package chorus.actors.feature;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.Text;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the specifications' examples into the model, so tests can use them as written. Text made only of
 * whitespace between elements (the examples' indentation) is left out.
 */
public final class Xml {
    private Xml() {
    }

    /** An element; unprefixed elements without xmlns are in {@code jabber:client}, as in a client stream. */
    public static Element parse(String xml) {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        try {
            XMLStreamReader r = f.createXMLStreamReader(new StringReader("<w xmlns='jabber:client'>" + xml + "</w>"));
            r.nextTag();
            r.nextTag();
            return element(r);
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A stanza of the examples, such as {@code <iq type='get' id='v1'>…</iq>}. */
    public static Iq iq(String xml) {
        return (Iq) Stanza.fromElement(parse(xml));
    }

    private static Element element(XMLStreamReader r) throws XMLStreamException {
        String name = r.getLocalName();
        String ns = r.getNamespaceURI();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String prefix = r.getAttributePrefix(i);
            attrs.put(prefix == null || prefix.isEmpty() ? r.getAttributeLocalName(i)
                : prefix + ":" + r.getAttributeLocalName(i), r.getAttributeValue(i));
        }
        List<Node> children = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (r.next() != XMLStreamReader.END_ELEMENT) {
            if (r.isStartElement()) {
                flush(text, children);
                children.add(element(r));
            } else if (r.isCharacters()) {
                text.append(r.getText());
            }
        }
        flush(text, children);
        return new Element(name, ns, attrs, children);
    }

    private static void flush(StringBuilder text, List<Node> children) {
        if (!text.toString().isBlank()) {
            children.add(new Text(text.toString()));
        }
        text.setLength(0);
    }
}
