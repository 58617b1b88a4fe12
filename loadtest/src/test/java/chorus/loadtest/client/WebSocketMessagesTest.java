package chorus.loadtest.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The session's bytes become text messages, one per write, and a message's text becomes bytes. */
class WebSocketMessagesTest {

    @Test
    void eachWriteIsOneTextMessageAndEachTextMessageIsReadAsItsBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketMessages());
        ch.writeOutbound(Unpooled.copiedBuffer("<presence/>", StandardCharsets.UTF_8),
            Unpooled.copiedBuffer("<message to='a@b'/>", StandardCharsets.UTF_8));
        TextWebSocketFrame first = ch.readOutbound();
        TextWebSocketFrame second = ch.readOutbound();
        assertEquals("<presence/>", first.text());
        assertEquals("<message to='a@b'/>", second.text());
        first.release();
        second.release();

        ch.writeInbound(new TextWebSocketFrame("<iq type='result' id='x'/>"));
        ByteBuf in = ch.readInbound();
        assertEquals("<iq type='result' id='x'/>", in.toString(StandardCharsets.UTF_8));
        in.release();
    }

    @Test
    void aBinaryMessageIsAnError() {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketMessages());
        assertThrows(DecoderException.class, () -> ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1}))));
    }
}
