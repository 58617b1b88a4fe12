package chorus.loadtest.xml;

import org.junit.jupiter.api.Test;

import javax.xml.stream.XMLStreamException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XmlFramerTest {
    final List<String> events = new ArrayList<>();
    final List<XmlElement> elements = new ArrayList<>();
    final XmlFramer framer = new XmlFramer(new XmlFramer.Events() {
        @Override
        public void streamOpened(Map<String, String> attrs) {
            events.add("open " + attrs.get("id") + " " + attrs.get("xml:lang"));
        }

        @Override
        public void element(XmlElement element) {
            events.add("element " + element.name());
            elements.add(element);
        }

        @Override
        public void streamClosed() {
            events.add("close");
        }
    });

    static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        + "xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='example.org' version='1.0' xml:lang='en'>";

    void feed(String s) throws XMLStreamException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        framer.feed(b, 0, b.length);
    }

    @Test
    void aStreamArrivingByteByByteGivesTheHeaderEachTopLevelElementAndTheEnd() throws Exception {
        String all = HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
            + "<message from='a@b/c' type='chat'><body>h&amp;llo \u00e9</body><x xmlns='y'><z/></x></message>"
            + "</stream:stream>";
        byte[] b = all.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            framer.feed(b, i, 1);
        }
        assertEquals(List.of("open s1 en", "element features", "element message", "close"), events);
        XmlElement features = elements.get(0);
        assertTrue(features.is("features", "http://etherx.jabber.org/streams"));
        assertTrue(features.child("bind", "urn:ietf:params:xml:ns:xmpp-bind") != null);
        XmlElement m = elements.get(1);
        assertEquals("jabber:client", m.ns());
        assertEquals("a@b/c", m.attr("from"));
        assertEquals("h&llo \u00e9", m.childText("body"));
        assertEquals("y", m.child("x").ns());
        assertEquals(1, m.child("x").children().size());
        assertNull(m.childText("subject"));
    }

    @Test
    void afterAResetANewDocumentWithItsOwnDeclarationIsRead() throws Exception {
        feed(HEADER + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        framer.reset();
        feed(HEADER.replace("s1", "s2") + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1a</success>");
        assertEquals(List.of("open s1 en", "element proceed", "open s2 en", "element success"), events);
        assertEquals("dj1a", elements.get(1).text());
    }

    @Test
    void malformedXmlIsAnError() throws Exception {
        feed(HEADER);
        assertThrows(XMLStreamException.class, () -> feed("<message><body></message>"));
    }
}
