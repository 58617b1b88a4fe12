package chorus.node.c2s;

import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.stream.XmlStreamEncoder;
import chorus.node.tcp.OutboundBackPressure;
import chorus.node.tcp.TcpConnection;
import chorus.actors.xmpp.Ns;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Client pipeline. Direct TLS (5223) puts "tls" first; STARTTLS adds it later. The onion listener's
 * connections are STARTTLS connections whose session knows they came through Tor.
 */
final class C2sInitializer extends ChannelInitializer<SocketChannel> {
    static final String TLS = TcpConnection.TLS;
    static final String SHAPER = "read-limit";
    static final String FLUSH = "flush";
    static final String DECODER = TcpConnection.DECODER;
    static final String ENCODER = "xml-encoder";
    static final String SESSION = "session";

    private final boolean directTls;
    private final boolean onion;
    private final C2sContext node;
    private final ActorSystem<?> system;
    private final StreamLimits limits;
    private final ConnectionCaps caps;

    C2sInitializer(boolean directTls, C2sContext node, ActorSystem<?> system, ConnectionCaps caps) {
        this(directTls, false, node, system, caps);
    }

    C2sInitializer(boolean directTls, boolean onion, C2sContext node, ActorSystem<?> system, ConnectionCaps caps) {
        this.directTls = directTls;
        this.onion = onion;
        this.node = node;
        this.system = system;
        this.caps = caps;
        ConnectionLimits c = node.settings().c2s().limits();
        this.limits = new StreamLimits(node.settings().c2s().maxStanzaSize(), node.settings().c2s().maxDepth(),
            StreamLimits.DEFAULTS.maxHeaderBytes(), c.maxAttributes(), c.maxNamespaces());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (directTls) {
            ch.pipeline().addLast(TLS, node.tls().newHandler(ch.alloc(), false));
        }
        ConnectionLimits c = node.settings().c2s().limits();
        ch.pipeline().addLast(ConnectionGate.NAME, new ConnectionGate(caps, node.settings().domain().toString()));
        long rate = node.settings().c2s().readRateLimit();
        if (rate > 0) {
            // Slows a connection that sends faster than the limit (reading pauses), never drops data.
            ch.pipeline().addLast(SHAPER, new ChannelTrafficShapingHandler(0, rate, 250));
        }
        ch.pipeline()
            .addLast(OutboundBackPressure.NAME, new OutboundBackPressure(c.connectionTimeout(), c.writeBufferMax()))
            .addLast(FLUSH, new FlushConsolidationHandler(64, true))
            .addLast(DECODER, new XmlStreamDecoder(limits, Ns.CLIENT))
            .addLast(ENCODER, new XmlStreamEncoder(Ns.CLIENT))
            .addLast(SESSION, new C2sChannelHandler(node, system, limits, onion));
    }
}
