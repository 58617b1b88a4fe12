package chorus.node.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A decoder in an {@link EmbeddedChannel}, fed strings or bytes, returning what came out. */
final class Decoding {
    /** RFC 6120 §9.1.1, step 1: the client's initial stream header. */
    static final String HEADER = "<?xml version='1.0'?><stream:stream from='juliet@im.example.com'"
        + " to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client'"
        + " xmlns:stream='http://etherx.jabber.org/streams'>";

    final XmlStreamDecoder decoder;
    final EmbeddedChannel channel;
    private int writes;

    Decoding() {
        this(new XmlStreamDecoder());
    }

    Decoding(XmlStreamDecoder decoder) {
        this.decoder = decoder;
        this.channel = new EmbeddedChannel(decoder);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    List<StreamEvent> write(String s) {
        return write(utf8(s));
    }

    /**
     * Writes the bytes from the middle of a larger array, as pooled heap buffers present them, at a
     * different offset each time.
     */
    List<StreamEvent> write(byte[] bytes) {
        int offset = 1 + writes++ % 11;
        byte[] padded = new byte[bytes.length + offset + 4];
        System.arraycopy(bytes, 0, padded, offset, bytes.length);
        ByteBuf buf = Unpooled.wrappedBuffer(padded, 1, bytes.length + offset - 1).skipBytes(offset - 1);
        return write(buf);
    }

    List<StreamEvent> write(ByteBuf buf) {
        channel.writeInbound(buf);
        return drain();
    }

    /** Writes the bytes in pieces of the given sizes (the last piece takes the rest). */
    List<StreamEvent> writeInPieces(byte[] bytes, int... sizes) {
        List<StreamEvent> events = new ArrayList<>();
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int n = i < sizes.length ? Math.min(sizes[i], bytes.length - at) : bytes.length - at;
            byte[] piece = new byte[n];
            System.arraycopy(bytes, at, piece, 0, n);
            events.addAll(write(piece));
            at += n;
        }
        return events;
    }

    List<StreamEvent> drain() {
        List<StreamEvent> events = new ArrayList<>();
        Object o;
        while ((o = channel.readInbound()) != null) {
            events.add((StreamEvent) o);
        }
        return events;
    }

    /** Opens a client stream, then writes the input and returns the failure it must cause. */
    static StreamEvent.StreamFailed failureAfterHeader(String input) {
        return failureOf(HEADER + input);
    }

    static StreamEvent.StreamFailed failureOf(String input) {
        return failureOf(utf8(input));
    }

    static StreamEvent.StreamFailed failureOf(byte[] input) {
        List<StreamEvent> events = new Decoding().write(input);
        assertTrue(!events.isEmpty(), "no event");
        return assertInstanceOf(StreamEvent.StreamFailed.class, events.get(events.size() - 1), events.toString());
    }
}
