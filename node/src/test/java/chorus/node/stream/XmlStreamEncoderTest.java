package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamEvent.StanzaReceived;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class XmlStreamEncoderTest {
    final EmbeddedChannel channel = new EmbeddedChannel(new XmlStreamEncoder());

    String encode(Object msg) {
        channel.writeOutbound(msg);
        ByteBuf buf = channel.readOutbound();
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void theServerHeaderDeclaresBothNamespacesAndItsAttributes() {
        String xml = encode(StreamHeader.client("im.example.com", "juliet@im.example.com", "t7AMCin9zjMNwQKDnplntZPIDEI=", "en"));

        assertEquals("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' from='im.example.com' to='juliet@im.example.com'"
            + " id='t7AMCin9zjMNwQKDnplntZPIDEI=' version='1.0' xml:lang='en'>", xml);
    }

    @Test
    void aHeaderLeavesOutWhatItLacksAndEscapesWhatItHas() {
        String xml = encode(new StreamHeader("a'b", null, null, null, null, Ns.SERVER));

        // XEP-0220 §2.1: a server stream declares the dialback prefix.
        assertEquals("<?xml version='1.0'?><stream:stream xmlns='jabber:server'"
            + " xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' from='a&apos;b'>", xml);
    }

    @Test
    void aStreamErrorEndsTheStream() {
        assertEquals("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
            + "</stream:stream>", encode(StreamError.of(StreamErrors.NOT_WELL_FORMED)));
        assertEquals("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>over 5 &lt; 6</text></stream:error></stream:stream>",
            encode(new StreamError(StreamErrors.POLICY_VIOLATION, "over 5 < 6")));
    }

    @Test
    void seeOtherHostCarriesTheAddressToReconnectTo() {
        assertEquals("<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>xmpp.example.org:5222"
            + "</see-other-host><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>restarting</text></stream:error>"
            + "</stream:stream>", encode(StreamError.seeOtherHost("xmpp.example.org:5222", "restarting")));
    }

    @Test
    void aFailureBecomesTheMatchingStreamError() {
        StreamEvent.StreamFailed failed = new StreamEvent.StreamFailed(StreamErrors.RESTRICTED_XML, "no comments");

        assertEquals(new StreamError(StreamErrors.RESTRICTED_XML, "no comments"), failed.toError());
    }

    @Test
    void onlyDefinedConditionsCanBeSent() {
        assertThrows(IllegalArgumentException.class, () -> StreamError.of("made-up"));
        assertThrows(IllegalArgumentException.class, () -> new StreamEvent.StreamFailed("<x/>", null));
    }

    @Test
    void aPlainCloseIsTheClosingTag() {
        assertEquals("</stream:stream>", encode(StreamClose.INSTANCE));
    }

    @Test
    void aStanzaInTheStreamNamespaceCarriesNoXmlns() {
        Message m = Message.chat(Jid.parse("romeo@example.net/orchard"), Jid.parse("juliet@example.com"), "m1", "Neither, fair saint");

        assertEquals("<message from=\"romeo@example.net/orchard\" to=\"juliet@example.com\" id=\"m1\" type=\"chat\">"
            + "<body>Neither, fair saint</body></message>", encode(m));
    }

    @Test
    void aServerStreamWritesStanzasInItsOwnNamespace() {
        EmbeddedChannel s2s = new EmbeddedChannel(new XmlStreamEncoder(Ns.SERVER));
        s2s.writeOutbound(Element.build("presence", Ns.SERVER).get());
        ByteBuf buf = s2s.readOutbound();

        assertEquals("<presence/>", buf.toString(StandardCharsets.UTF_8));
        buf.release();
    }

    @Test
    void aStanzaBetweenServersHasItsBodyInJabberServerNotJabberClient() {
        EmbeddedChannel s2s = new EmbeddedChannel(new XmlStreamEncoder(Ns.SERVER));
        s2s.writeOutbound(Message.chat(Jid.parse("romeo@example.net/orchard"), Jid.parse("juliet@example.com"), "m1", "hi"));
        ByteBuf buf = s2s.readOutbound();

        assertEquals("<message from=\"romeo@example.net/orchard\" to=\"juliet@example.com\" id=\"m1\" type=\"chat\">"
            + "<body>hi</body></message>", buf.toString(StandardCharsets.UTF_8));
        buf.release();
    }

    @Test
    void nonAsciiTextIsWrittenAsUtf8() {
        ByteBuf buf;
        channel.writeOutbound(Element.build("body", Ns.CLIENT).text("é日😀").get());
        buf = channel.readOutbound();

        byte[] expected = "<body>é日😀</body>".getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, buf.readableBytes());
        assertEquals(Unpooled.wrappedBuffer(expected), buf);
        buf.release();
    }

    @Test
    void otherMessagesPassThrough() {
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {' '});
        channel.writeOutbound(raw);

        assertSame(raw, channel.readOutbound());
        raw.release();
    }

    @Test
    void anElementWrittenAndReadBackIsEqual() {
        Element original = Element.build("message", Ns.CLIENT)
            .attr("to", "juliet@example.com").attr("xml:lang", "en").attr("id", "<&\"'>\n\t")
            .attr("m:hint", "a & b").attr("xmlns:m", "urn:example:meta")
            .textChild("body", Ns.CLIENT, "5 < 6 && 7 > 6 ]]> \"quoted\" 'single' é日😀")
            .child(Element.build("data", "urn:example:data")
                .child(Element.build("item", "urn:example:data").attr("n", "1").text("one").get())
                .child(Element.build("inner", "urn:example:other").get())
                .text("tail")
                .get())
            .get();
        String xml = encode(StreamHeader.client("example.com", null, "s1", "en")) + encode(original);

        List<StreamEvent> events = new Decoding().write(xml);

        assertEquals("s1", ((StreamEvent.StreamOpen) events.get(0)).id());
        assertEquals(new StanzaReceived(original), events.get(1));
    }
}
