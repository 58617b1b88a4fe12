package chorus.node.c2s;

import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.tls.TlsContexts;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.xmppstream.ClientSource;
import chorus.node.xmppstream.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCP transport of a client stream: what its session may do with the connection. Every pipeline change runs
 * on the channel's event loop, ordered with the reads, so no byte is parsed by the wrong stage.
 */
final class C2sConnection implements Transport {
    /** Inbound events in flight to the actor above which reading pauses, and below which it resumes. */
    private static final int HIGH_WATER = 64;
    private static final int LOW_WATER = 16;

    private final Channel channel;
    private final TlsContexts tls;
    private final StreamLimits limits;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** How long a stream ended by the server waits for the client's closing tag. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(2);

    /** Accepted on the onion listener: the peer is Tor, not the client. */
    private final boolean onion;

    C2sConnection(Channel channel, TlsContexts tls, StreamLimits limits, boolean onion) {
        this.channel = channel;
        this.tls = tls;
        this.limits = limits;
        this.onion = onion;
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
    public boolean secure() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    @Override
    public boolean canStartTls() {
        return true;
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
            if (((XmlStreamDecoder) channel.pipeline().get(C2sInitializer.DECODER)).isFailed()) {
                // Data followed <starttls/> in the clear: the stream already failed, and its error goes
                // out in the clear; no TLS starts.
                return;
            }
            SslHandler ssl = tls.newHandler(channel.alloc(), true);
            channel.pipeline().addFirst(C2sInitializer.TLS, ssl);
            channel.pipeline().addFirst(PlaintextGuard.NAME, new PlaintextGuard());
            channel.pipeline().replace(C2sInitializer.DECODER, C2sInitializer.DECODER,
                new XmlStreamDecoder(limits, Ns.CLIENT));
            channel.writeAndFlush(proceed, channel.voidPromise());
        });
    }

    /** RFC 6120 §6.4.6: after SASL success both sides start a new stream; reset the parser, then send. */
    @Override
    public void restartThenSend(Element success) {
        channel.eventLoop().execute(() -> {
            ((XmlStreamDecoder) channel.pipeline().get(C2sInitializer.DECODER)).reset();
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

    /** Reads nothing more from the client (the node is stopping; the stream ends soon). */
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

    /** Counts an event handed to the actor; pauses reading when the actor falls behind. */
    void dispatched() {
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
