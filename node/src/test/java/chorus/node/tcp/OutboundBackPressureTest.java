package chorus.node.tcp;

import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write buffer's maximum counts what piles up while the client is behind: one element larger than the maximum,
 * written while the client kept up, does not end its stream; more than the maximum written after it does.
 */
class OutboundBackPressureTest {
    static final int MAX = 1 << 20;

    static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        ch.pipeline().addLast(OutboundBackPressure.NAME, new OutboundBackPressure(Duration.ofSeconds(60), MAX));
        return ch;
    }

    static ByteBuf bytes(int n) {
        return Unpooled.wrappedBuffer(new byte[n]);
    }

    /** What the client would read: everything written so far, and the stream error if one was queued. */
    static StreamError drain(EmbeddedChannel ch) {
        StreamError error = null;
        Object out;
        while ((out = ch.readOutbound()) != null) {
            if (out instanceof StreamError e) {
                error = e;
            }
            ReferenceCountUtil.release(out);
        }
        return error;
    }

    @Test
    void oneElementLargerThanTheMaximumWrittenWhileTheClientKeptUpDoesNotEndTheStream() {
        EmbeddedChannel ch = channel();
        ch.write(bytes(4 * MAX));
        assertFalse(ch.isWritable(), "four MiB wait: above the high mark");
        // Small things after it (an XEP-0198 request, a presence) while the client reads the big one.
        for (int i = 0; i < 100; i++) {
            ch.write(bytes(1024));
        }
        assertTrue(ch.isOpen());
        ch.flush();
        ch.runPendingTasks();
        assertEquals(null, drain(ch));
        assertTrue(ch.isWritable(), "read down: writable again");
        // Read down, the client may be sent another large element.
        ch.write(bytes(2 * MAX));
        ch.write(bytes(1024));
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void theMaximumWrittenWhileTheClientIsBehindEndsTheStreamWithResourceConstraint() {
        EmbeddedChannel ch = channel();
        ch.write(bytes(4 * MAX));
        for (int i = 0; i < MAX / 4096 - 1; i++) {
            ch.write(bytes(4096));
        }
        assertTrue(ch.isOpen(), "just under the maximum since the client fell behind");
        ch.write(bytes(4096));
        // The stream error is queued behind what waits, flushed, and the channel closes once it is written.
        ch.runPendingTasks();
        StreamError error = assertInstanceOf(StreamError.class, drain(ch));
        assertEquals(StreamErrors.RESOURCE_CONSTRAINT, error.condition());
        assertFalse(ch.isOpen());
    }

    @Test
    void smallElementsPilingUpPastTheMaximumEndTheStream() {
        EmbeddedChannel ch = channel();
        int written = 0;
        while (ch.isOpen() && written < 4 * MAX) {
            ch.write(bytes(512));
            written += 512;
        }
        assertFalse(ch.isOpen());
        // The high mark, then the maximum while behind.
        assertTrue(written <= 64 * 1024 + MAX + 512, "ended after " + written + " bytes");
        assertEquals(StreamErrors.RESOURCE_CONSTRAINT, drain(ch).condition());
    }
}
