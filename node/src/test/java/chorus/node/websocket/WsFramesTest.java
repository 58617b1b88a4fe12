package chorus.node.websocket;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.BareJid;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import chorus.node.stream.StreamLimits;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7395 framing, message by message, without a socket. */
class WsFramesTest {
    static final String FRAMING = WsFrames.FRAMING;

    static EmbeddedChannel channel() {
        return new EmbeddedChannel(new WsFrames(new StreamLimits(4096, 8, 1024)));
    }

    static StreamEvent in(EmbeddedChannel ch, String message) {
        ch.writeInbound(new TextWebSocketFrame(message));
        return ch.readInbound();
    }

    static String out(EmbeddedChannel ch) {
        TextWebSocketFrame f = ch.readOutbound();
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Test
    void openAndCloseStandForTheStreamHeaderAndItsEnd() {
        EmbeddedChannel ch = channel();
        StreamEvent.StreamOpen open = assertInstanceOf(StreamEvent.StreamOpen.class,
            in(ch, "<open xmlns='" + FRAMING + "' to='example.org' version='1.0' xml:lang='en'/>"));
        assertEquals("example.org", open.to());
        assertEquals("1.0", open.version());
        assertEquals(Ns.CLIENT, open.contentNs());
        StreamEvent.StanzaReceived msg = assertInstanceOf(StreamEvent.StanzaReceived.class,
            in(ch, "<message xmlns='jabber:client' to='a@example.org'><body>hi</body></message>"));
        assertTrue(msg.element().is("message", Ns.CLIENT));
        assertInstanceOf(StreamEvent.StanzaReceived.class, in(ch, "<?xml version='1.0'?>\n<presence xmlns='jabber:client'/>"),
            "an XML declaration in front is passed over");
        assertNull(in(ch, "  \n"), "a whitespace keepalive is nothing");
        assertInstanceOf(StreamEvent.StreamClosed.class, in(ch, "<close xmlns='" + FRAMING + "'/>"));
    }

    @Test
    void aMessageThatIsNotExactlyOneElementEndsTheStream() {
        for (String bad : List.of("<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>",
            "<message xmlns='jabber:client'><body>half")) {
            EmbeddedChannel ch = channel();
            StreamEvent.StreamFailed f = assertInstanceOf(StreamEvent.StreamFailed.class, in(ch, bad), bad);
            assertEquals(StreamErrors.NOT_WELL_FORMED, f.condition(), bad);
            assertNull(in(ch, "<presence xmlns='jabber:client'/>"), "nothing more is read");
        }
        EmbeddedChannel ch = channel();
        assertEquals(StreamErrors.BAD_FORMAT, ((StreamEvent.StreamFailed) in(ch, "text")).condition());
        ch = channel();
        assertEquals(StreamErrors.RESTRICTED_XML, ((StreamEvent.StreamFailed) in(ch, "<!-- hi --><presence/>")).condition());
        ch = channel();
        assertEquals(StreamErrors.POLICY_VIOLATION, ((StreamEvent.StreamFailed) in(ch,
            "<message xmlns='jabber:client'><body>" + "x".repeat(5000) + "</body></message>")).condition());
        ch = channel();
        ch.writeInbound(new BinaryWebSocketFrame());
        assertEquals(StreamErrors.BAD_FORMAT, ((StreamEvent.StreamFailed) ch.readInbound()).condition());
    }

    @Test
    void ourSideIsFramedOneCompleteNamespacedElementPerMessage() {
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new StreamHeader("example.org", null, "abc", "1.0", "en", Ns.CLIENT));
        assertEquals("<open xmlns=\"" + FRAMING + "\" from=\"example.org\" id=\"abc\" version=\"1.0\" xml:lang=\"en\"/>", out(ch));
        ch.writeOutbound(Element.build("features", Ns.STREAMS).child(Element.of("bind", Ns.BIND)).get());
        assertEquals("<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\"><bind xmlns=\""
            + Ns.BIND + "\"/></stream:features>", out(ch));
        ch.writeOutbound(new Message(null, new BareJid("a", "example.org"), "m1", Message.Type.CHAT, null,
            List.of(Element.build("body", Ns.CLIENT).text("hi").get())));
        assertEquals("<message xmlns=\"jabber:client\" to=\"a@example.org\" id=\"m1\" type=\"chat\"><body>hi</body></message>",
            out(ch));
        ch.writeOutbound(new StreamError(StreamErrors.CONFLICT, null));
        assertEquals("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict "
            + "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>", out(ch));
        assertEquals("<close xmlns=\"" + FRAMING + "\"/>", out(ch), "§3.5: the end follows the error");
        ch.writeOutbound(StreamClose.INSTANCE);
        assertEquals("<close xmlns=\"" + FRAMING + "\"/>", out(ch));
    }
}
