package chorus.loadtest.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Between Netty's WebSocket client (handshake, frames, control frames, fragments joined) and the {@link XmppSession}:
 * the text of each message in, each write out as one text message. RFC 7395 §3.3.3: every message is one whole XML
 * element in UTF-8 text frames, so the session writes one element per {@code send}/{@code write}.
 */
final class WebSocketMessages extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf xml, List<Object> out) {
        out.add(new TextWebSocketFrame(xml.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (!(frame instanceof TextWebSocketFrame)) {
            // RFC 7395 §3.2: XMPP is carried in text frames only.
            throw new CorruptedFrameException("not a text message: " + frame.getClass().getSimpleName());
        }
        out.add(frame.content().retain());
    }
}
