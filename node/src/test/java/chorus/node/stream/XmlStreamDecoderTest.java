package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamEvent.StanzaReceived;
import chorus.node.stream.StreamEvent.StreamClosed;
import chorus.node.stream.StreamEvent.StreamFailed;
import chorus.node.stream.StreamEvent.StreamOpen;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static chorus.node.stream.Decoding.HEADER;
import static chorus.node.stream.Decoding.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XmlStreamDecoderTest {
    static final String STARTTLS = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
    /** A stream with a header, stanzas with multi-byte text, keepalives, and the close. */
    static final String CONVERSATION = HEADER
        + "<message to='romeo@example.net' type='chat' xml:lang='en'><body>Wherefore art thou, Romeo? 😀</body>"
        + "<x:thread xmlns:x='jabber:client'>é-ü-日本</x:thread></message>\n \t"
        + "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq> "
        + "<presence><status>&lt;away&gt; &amp; &#x1F600; &#233; &apos;&quot;</status></presence>"
        + "</stream:stream>";

    @Test
    void theClientHeaderOpensTheStreamWithItsAttributes() {
        List<StreamEvent> events = new Decoding().write(HEADER);

        StreamOpen open = assertInstanceOf(StreamOpen.class, events.get(0));
        assertEquals(1, events.size());
        assertEquals("im.example.com", open.to());
        assertEquals("juliet@im.example.com", open.from());
        assertEquals("1.0", open.version());
        assertEquals("en", open.lang());
        assertNull(open.id());
        assertEquals(Ns.CLIENT, open.contentNs());
        assertTrue(open.streamPrefixBound());
    }

    @Test
    void aHeaderWithAnotherStreamPrefixIsAcceptedAndSaysSo() {
        StreamOpen open = (StreamOpen) new Decoding().write(
            "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' to='d'>").get(0);

        assertFalse(open.streamPrefixBound());
        assertEquals("d", open.to());
    }

    @Test
    void aServerStreamKeepsItsDialbackNamespaceDeclaration() {
        Decoding s2s = new Decoding(new XmlStreamDecoder(StreamLimits.DEFAULTS, Ns.SERVER));
        StreamOpen open = (StreamOpen) s2s.write("<stream:stream xmlns='jabber:server'"
            + " xmlns:db='jabber:server:dialback' xmlns:stream='http://etherx.jabber.org/streams'>").get(0);

        assertEquals(Ns.SERVER, open.contentNs());
        assertEquals("jabber:server:dialback", open.attrs().get("xmlns:db"));
    }

    @Test
    void aStanzaArrivesAsAnElementWithNamespacesAndAttributesResolved() {
        List<StreamEvent> events = new Decoding().write(HEADER
            + "<message to='romeo@example.net' xml:lang='en' xmlns:e='urn:example' e:hint='x'>"
            + "<body>Art thou not Romeo?</body><e:thread parent='p'>t1</e:thread></message>");

        Element expected = Element.build("message", Ns.CLIENT)
            .attr("to", "romeo@example.net").attr("xml:lang", "en").attr("e:hint", "x").attr("xmlns:e", "urn:example")
            .textChild("body", Ns.CLIENT, "Art thou not Romeo?")
            .child(Element.build("thread", "urn:example").attr("parent", "p").text("t1").get())
            .get();
        assertEquals(List.of(new StanzaReceived(expected)), events.subList(1, events.size()));
    }

    @Test
    void negotiationElementsArriveInTheirOwnNamespace() {
        List<StreamEvent> events = new Decoding().write(HEADER
            + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1qdWxpZXQ=</auth>");

        Element auth = ((StanzaReceived) events.get(1)).element();
        assertTrue(auth.is("auth", Ns.SASL));
        assertEquals("SCRAM-SHA-1", auth.attr("mechanism"));
        assertEquals("biwsbj1qdWxpZXQ=", auth.text());
    }

    @Test
    void predefinedEntitiesCharacterReferencesAndCdataBecomeText() {
        List<StreamEvent> events = new Decoding().write(HEADER
            + "<message><body>&lt;&gt;&amp;&apos;&quot; &#x1F600;&#233;<![CDATA[<b>&amp;]]></body></message>");

        Element body = ((StanzaReceived) events.get(1)).element().child("body", Ns.CLIENT).orElseThrow();
        assertEquals("<>&'\" 😀é<b>&amp;", body.text());
        assertEquals(1, body.children().size(), "adjacent text is one node");
    }

    @Test
    void whitespaceKeepalivesBetweenStanzasAreIgnored() {
        Decoding d = new Decoding();
        d.write(HEADER);

        assertEquals(List.of(), d.write(" "));
        assertEquals(List.of(), d.write("\n\r\n\t  "));
        assertEquals(1, d.write("<presence/> \n").size());
    }

    @Test
    void theClosingTagEndsTheStream() {
        List<StreamEvent> events = new Decoding().write(HEADER + "<presence/></stream:stream>\n");

        assertEquals(3, events.size());
        assertEquals(new StreamClosed(), events.get(2));
    }

    @Test
    void aStreamFedOneByteAtATimeGivesTheSameEvents() {
        List<StreamEvent> whole = new Decoding().write(CONVERSATION);
        byte[] bytes = utf8(CONVERSATION);
        int[] ones = new int[bytes.length];
        java.util.Arrays.fill(ones, 1);

        assertEquals(5, whole.size());
        assertEquals(whole, new Decoding().writeInPieces(bytes, ones));
    }

    @Test
    void aStreamFedInRandomPiecesGivesTheSameEvents() {
        List<StreamEvent> whole = new Decoding().write(CONVERSATION);
        byte[] bytes = utf8(CONVERSATION);
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            int[] sizes = random.ints(bytes.length, 1, 24).toArray();
            assertEquals(whole, new Decoding().writeInPieces(bytes, sizes), "seed " + seed);
        }
    }

    @Test
    void aCharacterSplitBetweenReadsIsJoined() {
        Decoding d = new Decoding();
        d.write(HEADER + "<message><body>");
        byte[] smiley = utf8("😀");

        assertEquals(List.of(), d.write(new byte[] {smiley[0]}));
        assertEquals(List.of(), d.write(new byte[] {smiley[1], smiley[2]}));
        d.write(new byte[] {smiley[3]});
        Element m = ((StanzaReceived) d.write("</body></message>").get(0)).element();

        assertEquals("😀", m.childText("body", Ns.CLIENT).orElseThrow());
    }

    @Test
    void aStanzaArrivesAsSoonAsItsLastByteDoes() {
        Decoding d = new Decoding();
        d.write(HEADER);

        assertEquals(List.of(), d.write("<presence><show>away</show></presence"));
        assertEquals(1, d.write(">").size());
    }

    @Test
    void directAndOffsetHeapBuffersDecodeLikeArrays() {
        List<StreamEvent> whole = new Decoding().write(CONVERSATION);
        byte[] bytes = utf8(CONVERSATION);

        Decoding direct = new Decoding();
        List<StreamEvent> fromDirect = new java.util.ArrayList<>();
        for (int at = 0; at < bytes.length; at += 7) {
            ByteBuf buf = Unpooled.directBuffer(7);
            buf.writeBytes(bytes, at, Math.min(7, bytes.length - at));
            fromDirect.addAll(direct.write(buf));
        }
        Decoding offset = new Decoding();
        List<StreamEvent> fromOffset = new java.util.ArrayList<>();
        byte[] padded = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, padded, 10, bytes.length);
        for (int at = 0; at < bytes.length; at += 13) {
            fromOffset.addAll(offset.write(Unpooled.wrappedBuffer(padded, 10 + at, Math.min(13, bytes.length - at))));
        }

        assertEquals(whole, fromDirect);
        assertEquals(whole, fromOffset);
    }

    @Test
    void aLargeDirectBufferIsReadInFull() {
        String body = "y".repeat(50_000);
        ByteBuf buf = Unpooled.directBuffer();
        buf.writeBytes(utf8(HEADER + "<message><body>" + body + "</body></message>"));

        List<StreamEvent> events = new Decoding().write(buf);

        assertEquals(body, ((StanzaReceived) events.get(1)).element().childText("body", Ns.CLIENT).orElseThrow());
    }

    @Test
    void dataAfterStarttlsIsAViolationEvenInTheSameRead() {
        List<StreamEvent> events = new Decoding().write(HEADER + STARTTLS + "<message/>");

        assertTrue(((StanzaReceived) events.get(1)).element().is("starttls", Ns.TLS));
        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) events.get(2)).condition());
        assertEquals(3, events.size());
    }

    @Test
    void evenOneByteRightAfterStarttlsIsAViolation() {
        List<StreamEvent> events = new Decoding().write(HEADER + STARTTLS + "x");

        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) events.get(2)).condition());
    }

    @Test
    void whitespaceAfterStarttlsIsFine() {
        assertEquals(2, new Decoding().write(HEADER + STARTTLS + " \r\n\t").size());
    }

    @Test
    void dataAfterStarttlsInALaterReadIsAViolation() {
        Decoding d = new Decoding();
        d.write(HEADER + STARTTLS + " ");

        assertEquals(List.of(), d.write("\n"));
        List<StreamEvent> events = d.write(new byte[] {0x16, 0x03, 0x01}); // a TLS ClientHello too early

        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamFailed) events.get(0)).condition());
    }

    @Test
    void afterResetANewDocumentWithItsOwnHeaderIsAccepted() {
        Decoding d = new Decoding();
        d.write(HEADER + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB4</auth>");

        d.decoder.reset(); // SASL success: RFC 6120 §6.4.6
        List<StreamEvent> events = d.write(HEADER + "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");

        assertInstanceOf(StreamOpen.class, events.get(0));
        assertTrue(((StanzaReceived) events.get(1)).element().child("bind", Ns.BIND).isPresent());
    }

    @Test
    void resetAfterAFailureStartsAFreshStream() {
        Decoding d = new Decoding();
        d.write(HEADER + "<!-- no -->");

        d.decoder.reset();

        assertInstanceOf(StreamOpen.class, d.write(HEADER).get(0));
    }

    @Test
    void theOutlineOfAStanzaIsAllItPrints() {
        StreamEvent event = new Decoding().write(HEADER + "<message><body>secret</body></message>").get(1);

        assertFalse(event.toString().contains("secret"), event.toString());
    }
}
