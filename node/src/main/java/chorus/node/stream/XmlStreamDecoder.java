package chorus.node.stream;

import chorus.actors.xmpp.Ns;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;

/**
 * Netty stage: bytes of a TCP XMPP stream to {@link StreamEvent}s, through {@link XmlStreamParser}. Every
 * read is consumed whole, so nothing accumulates here; Netty's decoder base still asks for the next read
 * when a read completed no event and auto-read is off.
 *
 * <p>The session replaces this handler when TLS starts and calls {@link #reset()} after SASL success.
 */
public final class XmlStreamDecoder extends ByteToMessageDecoder {
    /** Direct buffers are copied through here; the parser keeps nothing of it between calls. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[8192];
        }
    };

    private final XmlStreamParser parser;

    /** A client-to-server stream with the default limits. */
    public XmlStreamDecoder() {
        this(StreamLimits.DEFAULTS, Ns.CLIENT);
    }

    /** @param contentNs {@code jabber:client} or {@code jabber:server} */
    public XmlStreamDecoder(StreamLimits limits, String contentNs) {
        this.parser = new XmlStreamParser(limits, contentNs);
    }

    /** A new XML document begins (stream restart, RFC 6120 §4.3.3). Call on the channel's event loop. */
    public void reset() {
        parser.reset();
    }

    /** The stream failed (its error event was emitted): nothing more is read from it. */
    public boolean isFailed() {
        return parser.isFailed();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = in.readableBytes();
        if (parser.isFailed()) {
            in.skipBytes(length);
        } else if (in.hasArray()) {
            parser.feed(in.array(), in.arrayOffset() + in.readerIndex(), length, out);
            in.skipBytes(length);
        } else {
            byte[] scratch = SCRATCH.get();
            while (length > 0 && !parser.isFailed()) {
                int n = Math.min(length, scratch.length);
                in.readBytes(scratch, 0, n);
                parser.feed(scratch, 0, n, out);
                length -= n;
            }
            in.skipBytes(length);
        }
    }
}
