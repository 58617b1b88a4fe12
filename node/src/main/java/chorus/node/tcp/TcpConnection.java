package chorus.node.tcp;

import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.tls.KeyLogExporter;
import chorus.node.tls.S2sTlsContexts;
import chorus.actors.xmpp.Element;
import chorus.node.xmppstream.ClientSource;
import chorus.node.xmppstream.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The TCP transport of an XMPP stream (a client's, a server's in either direction, a component's): what its stream
 * actor may do with the connection. Every pipeline change runs on the channel's event loop, ordered with the reads,
 * so no byte is parsed by the wrong stage. The pipeline names its stages {@link #TLS} and {@link #DECODER}.
 */
public final class TcpConnection implements Transport {
    /** The names of the pipeline stages this transport changes. */
    public static final String TLS = "tls";
    public static final String DECODER = "xml-decoder";

    /** Inbound events in flight to the actor above which reading pauses, and below which it resumes. */
    private static final int HIGH_WATER = 64;
    private static final int LOW_WATER = 16;

    private final Channel channel;
    /** A TLS handler for this connection: the accepting side's for STARTTLS, the connecting side's otherwise. */
    private final Function<Channel, SslHandler> tls;
    /** The channel bindings of this connection's TLS, once the handshake is done (null before). */
    private volatile chorus.node.sasl.ChannelBindings bindings;
    private final StreamLimits limits;
    private final String contentNs;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** How long a stream ended by the server waits for the client's closing tag. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(2);

    /** Accepted on the onion listener: the peer is Tor, not the client. */
    private final boolean onion;
    /** When the client last sent anything. */
    private final ReadStamp stamp;

    /**
     * @param tls       makes the TLS handler STARTTLS installs (null: the stream cannot start TLS)
     * @param contentNs the stream's content namespace, for the fresh parser after STARTTLS
     * @param onion     accepted on the onion listener: the peer is Tor, not the client
     */
    public TcpConnection(Channel channel, Function<Channel, SslHandler> tls, StreamLimits limits, String contentNs,
                         boolean onion) {
        this.channel = channel;
        this.tls = tls;
        this.limits = limits;
        this.contentNs = contentNs;
        this.onion = onion;
        this.stamp = channel.pipeline().get(ReadStamp.class);
    }

    /**
     * Where the client came from: for the registration rate limit and the admins' notice only, never stored or
     * logged. On the onion listener the peer address is Tor's own, so it is not used at all.
     */
    @Override
    public ClientSource source() {
        if (onion) {
            return ClientSource.ONION;
        }
        return ClientSource.of(channel.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null);
    }

    @Override
    public long lastReceived() {
        return stamp == null ? System.nanoTime() : stamp.last();
    }

    @Override
    public boolean secure() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public boolean canStartTls() {
        return tls != null;
    }

    /** The certificate chain the peer presented in the TLS handshake, leaf first; empty without TLS or certificate. */
    @Override
    public List<X509Certificate> peerCertificates() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl == null ? List.of() : S2sTlsContexts.peerChain(ssl);
    }

    /**
     * RFC 9266 tls-exporter of this connection's TLS 1.3 session and RFC 5929 tls-server-end-point of the certificate
     * it presented: computed once, after the handshake (a login asks for them three times).
     */
    @Override
    public chorus.node.sasl.ChannelBindings channelBindings() {
        if (bindings == null) {
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
                return chorus.node.sasl.ChannelBindings.NONE;
            }
            bindings = chorus.node.sasl.ChannelBindings.of(ssl.engine().getSession(),
                (label, context, length) -> KeyLogExporter.export(ssl, label, context, length));
        }
        return bindings;
    }

    @Override
    public void send(Object message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Sends, and runs {@code written} once the message (and all before it) went out to the socket. */
    @Override
    public void sendThen(Object message, Runnable written) {
        channel.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                written.run();
            }
        });
    }

    /**
     * RFC 6120 §5.4.3.3: installs TLS and a fresh parser, then sends {@code <proceed/>} in the clear
     * (the SslHandler's startTls flag lets exactly that first write pass unencrypted).
     */
    @Override
    public void startTls(Element proceed) {
        channel.eventLoop().execute(() -> {
            if (((XmlStreamDecoder) channel.pipeline().get(DECODER)).isFailed()) {
                // Data followed <starttls/> in the clear: the stream already failed, and its error goes
                // out in the clear; no TLS starts.
                return;
            }
            SslHandler ssl = tls.apply(channel);
            channel.pipeline().addFirst(TLS, ssl);
            channel.pipeline().addFirst(PlaintextGuard.NAME, new PlaintextGuard());
            channel.pipeline().replace(DECODER, DECODER, new XmlStreamDecoder(limits, contentNs));
            channel.writeAndFlush(proceed, channel.voidPromise());
        });
    }

    /**
     * The connecting side of STARTTLS (RFC 6120 §5.4.3.3): the peer said {@code <proceed/>}, so TLS starts now, under
     * a fresh parser; {@code then} (our new stream header) waits in the TLS handler until the handshake is done.
     * A failed handshake closes the connection.
     */
    public void startTlsThenSend(Object then) {
        channel.eventLoop().execute(() -> {
            SslHandler ssl = tls.apply(channel);
            channel.pipeline().addFirst(TLS, ssl);
            channel.pipeline().replace(DECODER, DECODER, new XmlStreamDecoder(limits, contentNs));
            ssl.handshakeFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                }
            });
            channel.writeAndFlush(then, channel.voidPromise());
        });
    }

    /** RFC 6120 §6.4.6: after SASL success both sides start a new stream; reset the parser, then send. */
    @Override
    public void restartThenSend(Object success) {
        channel.eventLoop().execute(() -> {
            ((XmlStreamDecoder) channel.pipeline().get(DECODER)).reset();
            channel.pipeline().fireUserEventTriggered(ConnectionEvent.AUTHENTICATED);
            channel.writeAndFlush(success, channel.voidPromise());
        });
    }

    /** Sends a stream error (which closes the stream) and closes the connection. */
    @Override
    public void fail(StreamError error) {
        if (channel.isActive()) {
            channel.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Ends a healthy stream with an error (conflict, system-shutdown, see-other-host) and, as RFC 6120
     * §4.4 allows, waits a moment for the client's closing tag before closing the connection: what the
     * client sent before it heard the error still arrives and is read, instead of being reset away.
     */
    @Override
    public void endGracefully(StreamError error) {
        if (channel.isActive()) {
            channel.writeAndFlush(error);
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** The client closed its stream after ours ended: the connection closes now. */
    @Override
    public void closeNow() {
        channel.close();
    }

    /** Closes our side of the stream and the connection. */
    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(StreamClose.INSTANCE).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Reads nothing more from the client: the node is stopping. */
    @Override
    public void pauseReading() {
        channel.eventLoop().execute(() -> ReadGate.of(channel).stop(ReadGate.STOPPING));
    }

    /**
     * Reads again before the connection closes: closing with unread input would reset the connection,
     * and a reset can cost the client the last things written to it.
     */
    @Override
    public void resumeReading() {
        channel.eventLoop().execute(() -> ReadGate.of(channel).resume(ReadGate.STOPPING));
    }

    /** A peer over its rate is read from no further until its debt is paid (false: read again). */
    @Override
    public void holdReading(boolean hold) {
        channel.eventLoop().execute(() -> {
            if (hold) {
                ReadGate.of(channel).stop(ReadGate.OVER_RATE);
            } else {
                ReadGate.of(channel).resume(ReadGate.OVER_RATE);
            }
        });
    }

    /** Counts an event handed to the actor; pauses reading when the actor falls behind. */
    public void dispatched() {
        if (inFlight.incrementAndGet() >= HIGH_WATER) {
            ReadGate.of(channel).stop(ReadGate.ACTOR_BEHIND);
        }
    }

    /** The actor finished an event. */
    @Override
    public void processed() {
        if (inFlight.decrementAndGet() == LOW_WATER) {
            channel.eventLoop().execute(() -> {
                if (inFlight.get() <= LOW_WATER) {
                    ReadGate.of(channel).resume(ReadGate.ACTOR_BEHIND);
                }
            });
        }
    }
}
