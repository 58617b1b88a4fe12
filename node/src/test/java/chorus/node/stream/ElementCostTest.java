package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Text;
import chorus.actors.xmpp.XmlWriter;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a parsed element costs is proportional to its bytes on the wire, whatever its shape, and the writer
 * gives back no more than it was given (issue 14).
 */
class ElementCostTest {
    /** Limits that let every shape through, so that only its cost is measured. */
    static final StreamLimits WIDE = new StreamLimits(4 * 1024 * 1024, 64, 8192, 100_000, 100_000);

    static Element parse(String stanza, StreamLimits limits) {
        List<StreamEvent> events = new Decoding(new XmlStreamDecoder(limits, Ns.CLIENT)).write(Decoding.HEADER + stanza);
        return assertInstanceOf(StreamEvent.StanzaReceived.class, events.get(events.size() - 1), events.toString()).element();
    }

    /** Characters held by the distinct strings of the tree: what it keeps beyond its fixed per-node overhead. */
    static long retainedChars(Element e) {
        Map<String, Boolean> seen = new IdentityHashMap<>();
        return retained(e, seen);
    }

    private static long retained(Node n, Map<String, Boolean> seen) {
        if (n instanceof Text t) {
            return count(t.text(), seen);
        }
        Element e = (Element) n;
        long c = count(e.name(), seen) + count(e.ns(), seen);
        for (Map.Entry<String, String> a : e.attrs().entrySet()) {
            c += count(a.getKey(), seen) + count(a.getValue(), seen);
        }
        for (Node child : e.children()) {
            c += retained(child, seen);
        }
        return c;
    }

    private static long count(String s, Map<String, Boolean> seen) {
        return seen.put(s, Boolean.TRUE) == null ? s.length() : 0;
    }

    /** Elements in the tree: each costs a fixed few dozen bytes, and takes at least four bytes to send. */
    static int elements(Element e) {
        int n = 1;
        for (Element c : e.elements()) {
            n += elements(c);
        }
        return n;
    }

    static void assertCostsNoMoreThanItsBytes(String stanza) {
        Element e = parse(stanza, WIDE);
        long wire = stanza.length();
        long retained = retainedChars(e);
        assertTrue(retained <= wire, retained + " characters kept for " + wire + " bytes");
        assertTrue(elements(e) * 4L <= wire);
        String out = XmlWriter.toXml(e, Ns.CLIENT);
        assertTrue(out.length() <= wire + 64, out.length() + " characters written for " + wire + " read");
        assertEquals(expanded(e), expanded(parse(out, WIDE)), "written and read back");
    }

    /** The element with its prefixes resolved: {@code {uri}local} keys, no declarations; prefixes may differ. */
    static Element expanded(Element e) {
        Map<String, String> attrs = new java.util.TreeMap<>();
        for (Map.Entry<String, String> a : e.attrs().entrySet()) {
            String k = a.getKey();
            int colon = k.indexOf(':');
            if (k.startsWith("xmlns:")) {
                continue;
            }
            if (colon > 0 && !k.startsWith("xml:")) {
                k = "{" + e.attr("xmlns:" + k.substring(0, colon)) + "}" + k.substring(colon + 1);
            }
            attrs.put(k, a.getValue());
        }
        List<Node> children = new java.util.ArrayList<>();
        for (Node n : e.children()) {
            children.add(n instanceof Element c ? expanded(c) : n);
        }
        return new Element(e.name(), e.ns(), attrs, children);
    }

    static String longUri() {
        return "urn:" + "u".repeat(1020); // the longest namespace name the parser takes (1024 characters)
    }

    @Test
    void prefixedAttributesShareTheirNamespaceInsteadOfCopyingIt() {
        StringBuilder sb = new StringBuilder("<message xmlns:p='").append(longUri()).append('\'');
        for (int i = 0; i < 5000; i++) {
            sb.append(" p:a").append(i).append("=''");
        }
        assertCostsNoMoreThanItsBytes(sb.append("/>").toString());
    }

    @Test
    void childrenUsingAPrefixDeclaredOnTheirParentShareOneNamespaceString() {
        StringBuilder sb = new StringBuilder("<message xmlns:p='").append(longUri()).append("'>");
        for (int i = 0; i < 5000; i++) {
            sb.append("<p:x p:a=''/>");
        }
        String stanza = sb.append("</message>").toString();
        assertCostsNoMoreThanItsBytes(stanza);
        Element e = parse(stanza, WIDE);
        Element first = e.elements().get(0);
        Element last = e.elements().get(4999);
        assertSame(first.ns(), last.ns());
        assertSame(first.attr("xmlns:p"), last.attr("xmlns:p"));
        assertEquals("p:a", first.attrs().keySet().iterator().next());
    }

    @Test
    void anElementInTheNamespaceOfItsOwnPrefixedAttributeIsWrittenWithThatPrefix() {
        // Found by XmlStreamDecoderFuzzTest (seed 14, input 49,780): the URI was written twice.
        assertCostsNoMoreThanItsBytes("<message xmlns:p='" + longUri() + "'><p:x p:a=''/></message>");
    }

    @Test
    void aPrefixBoundToTwoNamespacesIsWrittenAsTwoPrefixes() {
        StringBuilder sb = new StringBuilder("<message><a xmlns:p='urn:one' p:x='1'/><b xmlns:p='").append(longUri()).append("'>");
        for (int i = 0; i < 3000; i++) {
            sb.append("<c p:y=''/>");
        }
        assertCostsNoMoreThanItsBytes(sb.append("</b></message>").toString());
    }

    @Test
    void manyNamespaceDeclarationsLongNamesAndManyAttributesCostTheirBytes() {
        StringBuilder sb = new StringBuilder("<message");
        for (int i = 0; i < 2000; i++) {
            sb.append(" xmlns:n").append(i).append("='urn:").append(i).append('\'');
        }
        for (int i = 0; i < 2000; i++) {
            sb.append(" a").append(i).append("='v'");
        }
        sb.append("><").append("n".repeat(20_000)).append(" xmlns='urn:x'/></message>");
        assertCostsNoMoreThanItsBytes(sb.toString());
    }

    @Test
    void manyChildrenLongTextAndCdataCostTheirBytes() {
        String many = "<message>" + "<x/>".repeat(20_000) + "</message>";
        assertCostsNoMoreThanItsBytes(many);
        String text = "<message><body>" + "a&lt;b&amp;".repeat(10_000) + "</body></message>";
        assertCostsNoMoreThanItsBytes(text);
        String cdata = "<message><body><![CDATA[" + "<<&&>>".repeat(10_000) + "]]>" + "]]&gt;".repeat(100) + "</body></message>";
        assertCostsNoMoreThanItsBytes(cdata);
    }

    @Test
    void attributeValuesAndTextAreNotEscapedLongerThanTheyCame() {
        assertCostsNoMoreThanItsBytes("<message a='\"\"\"\"\"\"' b=\"''''''\" c='>>>>>>'><body>>>>>>>>>\"'\"'</body></message>");
        assertCostsNoMoreThanItsBytes("<message><body>x]]&gt;&#13;&#13;" + "]".repeat(50) + "&gt;</body></message>");
    }

    @Test
    void aNamespaceDeclaredOnceWithAPrefixForThousandsOfElementsIsWrittenOnce() {
        StringBuilder sb = new StringBuilder("<message xmlns:p='").append(longUri()).append("'>");
        for (int i = 0; i < 3000; i++) {
            sb.append("<p:x><p:y/></p:x>");
        }
        assertCostsNoMoreThanItsBytes(sb.append("</message>").toString());
    }

    @Test
    void moreAttributesOrDeclarationsThanTheCapsArePolicyViolations() {
        StreamLimits caps = new StreamLimits(262_144, 64, 8192, 10, 3);
        List<StreamEvent> many = new Decoding(new XmlStreamDecoder(caps, Ns.CLIENT))
            .write(Decoding.HEADER + "<message" + " a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8' i='9' j='10' k='11'/>");
        StreamEvent.StreamFailed f = assertInstanceOf(StreamEvent.StreamFailed.class, many.get(many.size() - 1));
        assertEquals(StreamErrors.POLICY_VIOLATION, f.condition());
        List<StreamEvent> ok = new Decoding(new XmlStreamDecoder(caps, Ns.CLIENT))
            .write(Decoding.HEADER + "<message a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8' i='9' j='10'/>");
        assertInstanceOf(StreamEvent.StanzaReceived.class, ok.get(ok.size() - 1));
        List<StreamEvent> decls = new Decoding(new XmlStreamDecoder(caps, Ns.CLIENT))
            .write(Decoding.HEADER + "<message><x xmlns:a='1' xmlns:b='2' xmlns:c='3' xmlns:d='4'/></message>");
        f = assertInstanceOf(StreamEvent.StreamFailed.class, decls.get(decls.size() - 1));
        assertEquals(StreamErrors.POLICY_VIOLATION, f.condition());
    }
}
