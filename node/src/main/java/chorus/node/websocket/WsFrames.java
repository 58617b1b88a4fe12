package chorus.node.websocket;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.XmlWriter;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamParser;
import chorus.node.xmppstream.StandaloneXml;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Netty stage: WebSocket messages to {@link StreamEvent}s and our side of the stream to messages (RFC 7395 §3.3).
 * Every message holds one complete element: {@code <open/>} and {@code <close/>} in the framing namespace stand for
 * the stream header and its end, anything else is a first-level element of the stream. The elements are parsed by the
 * same {@link XmlStreamParser} as on TCP, with the same limits and restrictions (no DTD, comment, processing
 * instruction or entity; UTF-8 only), fed one message at a time behind a stream header of its own, so a message that
 * is not exactly one element is caught. It also keeps the connection alive: a client silent for the ping interval gets
 * a ping frame (RFC 6455 §5.5.2, RFC 7395 §3.8), and one silent as long again is gone.
 */
final class WsFrames extends ChannelDuplexHandler {
    static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    private static final byte[] PRELUDE = ("<stream:stream xmlns='" + Ns.CLIENT + "' xmlns:stream='" + Ns.STREAMS + "'>")
        .getBytes(StandardCharsets.UTF_8);

    private final XmlStreamParser parser;
    private boolean failed;
    private boolean pinged;

    WsFrames(StreamLimits limits) {
        this.parser = new XmlStreamParser(limits, Ns.CLIENT);
        parser.feed(PRELUDE, 0, PRELUDE.length, new ArrayList<>());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pinged = false;
        try {
            if (msg instanceof TextWebSocketFrame text) {
                if (ctx.channel().attr(WsConnection.CLOSE_SENT).get() == null) {
                    text(ctx, text.content()); // after our Close frame, what the client still sends is dropped
                }
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                // The client closes the connection (with or without <close/> first): answer and close; or it
                // answers the Close frame we sent, which ends the closing handshake.
                if (ctx.channel().attr(WsConnection.CLOSE_SENT).setIfAbsent(Boolean.TRUE) != null) {
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                        .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof BinaryWebSocketFrame && !failed) {
                fail(ctx, StreamErrors.BAD_FORMAT, "XMPP is sent in text messages (RFC 7395 §3.2)");
            }
            // Pong frames only say the client is there; what the HTTP codec left over is nothing.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void text(ChannelHandlerContext ctx, ByteBuf content) {
        if (failed) {
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(content);
        if (blank(bytes)) {
            return; // a whitespace keepalive: RFC 7395 §3.3.2 has no use for it, and it costs nothing
        }
        int start = start(bytes);
        if (start < 0) {
            // RFC 6120 §11.1, for the document each message is: no DTD, no comment.
            fail(ctx, StreamErrors.RESTRICTED_XML, "no DTD or comment is allowed (RFC 6120 §11.1)");
            return;
        }
        List<StreamEvent> events = new ArrayList<>(1);
        parser.feed(bytes, start, bytes.length - start, events);
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.StreamFailed f) {
                failed = true;
                ctx.fireChannelRead(f);
                return;
            }
        }
        if (events.size() != 1 || !(events.get(0) instanceof StreamEvent.StanzaReceived s)) {
            fail(ctx, StreamErrors.NOT_WELL_FORMED, "each WebSocket message holds one complete element (RFC 7395 §3.3.2)");
            return;
        }
        Element e = s.element();
        if (e.is("open", FRAMING)) {
            // §3.4: the stream header, as an element; the session reads it as a header in jabber:client.
            Map<String, String> attrs = new LinkedHashMap<>(e.attrs());
            attrs.put("xmlns", Ns.CLIENT);
            attrs.put("xmlns:stream", Ns.STREAMS);
            ctx.fireChannelRead(new StreamEvent.StreamOpen(attrs));
        } else if (e.is("close", FRAMING)) {
            ctx.fireChannelRead(new StreamEvent.StreamClosed());
        } else if (e.ns().equals(FRAMING)) {
            fail(ctx, StreamErrors.BAD_FORMAT, "only <open/> and <close/> are in the framing namespace");
        } else {
            ctx.fireChannelRead(s);
        }
    }

    private void fail(ChannelHandlerContext ctx, String condition, String text) {
        failed = true;
        ctx.fireChannelRead(new StreamEvent.StreamFailed(condition, text));
    }

    /**
     * Where the element of a message starts: after leading whitespace and an XML declaration (which some clients
     * put in front of each message); -1 when a DTD or comment comes first.
     */
    static int start(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i + 1 < bytes.length && bytes[i] == '<' && bytes[i + 1] == '!') {
            return -1;
        }
        if (i + 5 < bytes.length && new String(bytes, i, 6, StandardCharsets.US_ASCII).equals("<?xml ")) {
            for (int j = i + 6; j + 1 < bytes.length; j++) {
                if (bytes[j] == '?' && bytes[j + 1] == '>') {
                    return j + 2;
                }
            }
        }
        return i;
    }

    private static boolean blank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof StreamError error) {
            // §3.5: the error in a message of its own, then the end of the stream.
            ctx.write(frame(ctx, StandaloneXml.toXml(error)));
            ctx.write(frame(ctx, close()), promise);
        } else if (msg instanceof StreamHeader h) {
            ctx.write(frame(ctx, open(h)), promise);
        } else if (msg instanceof StreamClose) {
            ctx.write(frame(ctx, close()), promise);
        } else if (msg instanceof Element || msg instanceof Stanza) {
            ctx.write(frame(ctx, StandaloneXml.toXml(msg)), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** §3.4: our header as {@code <open/>}. */
    static String open(StreamHeader h) {
        return XmlWriter.toXml(Element.build("open", FRAMING).attr("from", h.from()).attr("to", h.to())
            .attr("id", h.id()).attr("version", h.version()).attr("xml:lang", h.lang()).get(), "");
    }

    static String close() {
        return XmlWriter.toXml(Element.of("close", FRAMING), "");
    }

    private static TextWebSocketFrame frame(ChannelHandlerContext ctx, String xml) {
        return new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), xml));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (pinged) {
                ctx.close(); // silent through a ping and as long again: gone, like a dropped TCP connection
            } else {
                pinged = true;
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
