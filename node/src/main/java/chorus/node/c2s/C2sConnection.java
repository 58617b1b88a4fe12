package chorus.node.c2s;

import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.tls.TlsContexts;
import chorus.actors.xmpp.Ns;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a session actor may do with its connection. Every pipeline change runs on the channel's event
 * loop, ordered with the reads, so no byte is parsed by the wrong stage.
 */
final class C2sConnection {
    /** Inbound events in flight to the actor above which reading pauses, and below which it resumes. */
    private static final int HIGH_WATER = 64;
    private static final int LOW_WATER = 16;

    private final Channel channel;
    private final TlsContexts tls;
    private final StreamLimits limits;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** How long a stream ended by the server waits for the client's closing tag. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(2);

    C2sConnection(Channel channel, TlsContexts tls, StreamLimits limits) {
        this.channel = channel;
        this.tls = tls;
        this.limits = limits;
    }

    /** The client's address: for the registration rate limit and the admins' notice only, never stored or logged. */
    java.net.InetAddress remoteAddress() {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
    }

    boolean secure() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** XEP-0198: once enabled, every stanza written is counted and kept until the client acknowledges it. */
    private StreamManagement sm;
    private java.time.Clock clock;

    void countWith(StreamManagement sm, java.time.Clock clock) {
        this.sm = sm;
        this.clock = clock;
    }

    void send(Object message) {
        if (sm != null && message instanceof chorus.actors.xmpp.Stanza s && sm.sent(s, 0, 0)) {
            channel.write(message, channel.voidPromise());
            channel.writeAndFlush(sm.request(clock.instant()), channel.voidPromise());
            return;
        }
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Writes what was counted before (a resumed stream's unacknowledged stanzas). */
    void resend(Object message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    /** Sends, and runs {@code written} once the message (and all before it) went out to the socket. */
    void sendThen(Object message, Runnable written) {
        sendThen(message, 0, 0, written);
    }

    /** As {@link #sendThen(Object, Runnable)}, for a message its account's entity tracks. */
    void sendThen(Object message, long epoch, long seq, Runnable written) {
        if (sm != null && message instanceof chorus.actors.xmpp.Stanza s && sm.sent(s, epoch, seq)) {
            channel.write(message).addListener(f -> {
                if (f.isSuccess()) {
                    written.run();
                }
            });
            channel.writeAndFlush(sm.request(clock.instant()), channel.voidPromise());
            return;
        }
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
    void startTls(Object proceed) {
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
    void restartStreamThenSend(Object success) {
        channel.eventLoop().execute(() -> {
            ((XmlStreamDecoder) channel.pipeline().get(C2sInitializer.DECODER)).reset();
            channel.pipeline().fireUserEventTriggered(ConnectionEvent.AUTHENTICATED);
            channel.writeAndFlush(success, channel.voidPromise());
        });
    }

    /** Sends a stream error (which closes the stream) and closes the connection. */
    void fail(String condition, String text) {
        fail(new StreamError(condition, text));
    }

    /** Sends a stream error with a payload in its condition (see-other-host), and closes. */
    void fail(StreamError error) {
        if (channel.isActive()) {
            channel.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Ends a healthy stream with an error (conflict, system-shutdown, see-other-host) and, as RFC 6120
     * §4.4 allows, waits a moment for the client's closing tag before closing the connection: what the
     * client sent before it heard the error still arrives and is read, instead of being reset away.
     */
    void endGracefully(StreamError error) {
        if (channel.isActive()) {
            channel.writeAndFlush(error);
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** The client closed its stream after ours ended: the connection closes now. */
    void closeNow() {
        channel.close();
    }

    /** Closes our side of the stream and the connection. */
    void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(StreamClose.INSTANCE).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Reads nothing more from the client (the node is stopping; the stream ends soon). */
    void pauseReading() {
        channel.eventLoop().execute(() -> ReadGate.of(channel).stop(ReadGate.STOPPING));
    }

    /**
     * Reads again before the connection closes: closing with unread input would reset the connection,
     * and a reset can cost the client the last things written to it.
     */
    void resumeReading() {
        channel.eventLoop().execute(() -> ReadGate.of(channel).resume(ReadGate.STOPPING));
    }

    /** Counts an event handed to the actor; pauses reading when the actor falls behind. */
    void dispatched() {
        if (inFlight.incrementAndGet() >= HIGH_WATER) {
            ReadGate.of(channel).stop(ReadGate.ACTOR_BEHIND);
        }
    }

    /** The actor finished an event. */
    void processed() {
        if (inFlight.decrementAndGet() == LOW_WATER) {
            channel.eventLoop().execute(() -> {
                if (inFlight.get() <= LOW_WATER) {
                    ReadGate.of(channel).resume(ReadGate.ACTOR_BEHIND);
                }
            });
        }
    }
}
