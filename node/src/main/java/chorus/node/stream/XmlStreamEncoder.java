package chorus.node.stream;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.XmlWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Netty stage: our side of the stream to UTF-8 bytes. Takes an {@link Element} or a {@link Stanza} (written
 * in the stream's content namespace, so stanzas carry no xmlns), a {@link StreamHeader}, a
 * {@link StreamError} (which also ends the stream) or {@link StreamClose}; anything else passes through.
 */
public final class XmlStreamEncoder extends MessageToMessageEncoder<Object> {
    /** A builder that grew past this is dropped after use. */
    private static final int KEEP_CHARS = 16384;

    private final String streamNs;
    private StringBuilder text = new StringBuilder(512);

    /** A client-to-server stream. */
    public XmlStreamEncoder() {
        this(Ns.CLIENT);
    }

    /** @param streamNs the content namespace, {@code jabber:client} or {@code jabber:server} */
    public XmlStreamEncoder(String streamNs) {
        this.streamNs = streamNs;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Element || msg instanceof Stanza || msg instanceof StreamHeader
            || msg instanceof StreamError || msg instanceof StreamClose;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        StringBuilder sb = text;
        try {
            write(msg, sb);
            int bytes = ByteBufUtil.utf8Bytes(sb);
            ByteBuf buf = ctx.alloc().ioBuffer(bytes);
            ByteBufUtil.reserveAndWriteUtf8(buf, sb, bytes);
            out.add(buf);
        } finally {
            if (sb.capacity() > KEEP_CHARS) {
                text = new StringBuilder(512);
            } else {
                sb.setLength(0);
            }
        }
    }

    private void write(Object msg, StringBuilder sb) {
        if (msg instanceof Element e) {
            XmlWriter.write(e, streamNs, sb);
        } else if (msg instanceof Stanza s) {
            Element e = s.toElement(streamNs);
            // A stanza's own elements are kept in jabber:client; between servers they are jabber:server's (§4.8.3).
            XmlWriter.write(streamNs.equals(Ns.CLIENT) ? e : e.movedNamespace(Ns.CLIENT, streamNs), streamNs, sb);
        } else if (msg instanceof StreamHeader h) {
            h.writeTo(sb);
        } else if (msg instanceof StreamError e) {
            e.writeTo(sb);
        } else {
            ((StreamClose) msg).writeTo(sb);
        }
    }
}
