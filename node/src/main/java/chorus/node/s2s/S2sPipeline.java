package chorus.node.s2s;

import chorus.actors.xmpp.Ns;
import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.stream.XmlStreamEncoder;
import chorus.node.tcp.OutboundBackPressure;
import chorus.node.tcp.StreamChannelHandler;
import chorus.node.tcp.TcpConnection;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;

/**
 * The pipeline of a server-to-server connection, either direction, as a list of named stages like a client's:
 * TLS first on a direct-TLS connection (STARTTLS adds it later), the read limit, the write buffer's bound ({@link OutboundBackPressure}), then the XML stream codec in
 * {@code jabber:server} and the stage that feeds the stream's actor. The stages that bound a client connection's
 * memory go here in the same order.
 */
final class S2sPipeline {
    static final String TLS = TcpConnection.TLS;
    static final String SHAPER = "read-limit";
    static final String FLUSH = "flush";
    static final String DECODER = TcpConnection.DECODER;
    static final String ENCODER = "xml-encoder";
    static final String STREAM = "stream";

    private S2sPipeline() {
    }

    static void build(ChannelPipeline p, SslHandler directTls, StreamLimits limits, long readRateLimit,
                      ConnectionLimits connection, StreamChannelHandler<?> stream) {
        if (directTls != null) {
            p.addLast(TLS, directTls);
        }
        if (readRateLimit > 0) {
            // Slows a peer that sends faster than the limit (reading pauses), never drops data.
            p.addLast(SHAPER, new ChannelTrafficShapingHandler(0, readRateLimit, 250));
        }
        // A peer that does not read what is written to it is not read from, then disconnected (as a client).
        p.addLast(OutboundBackPressure.NAME,
                new OutboundBackPressure(connection.connectionTimeout(), connection.writeBufferMax()))
            .addLast(FLUSH, new FlushConsolidationHandler(64, true))
            .addLast(DECODER, new XmlStreamDecoder(limits, Ns.SERVER))
            .addLast(ENCODER, new XmlStreamEncoder(Ns.SERVER))
            .addLast(STREAM, stream);
    }
}
