package chorus.node.websocket;

import chorus.actors.xmpp.Element;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.tcp.ReadStamp;
import chorus.node.xmppstream.ClientSource;
import chorus.node.xmppstream.Transport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSocket transport of a client stream (RFC 7395): what its session may do with the connection. TLS is the
 * connection's (wss), so there is no STARTTLS; a stream restart needs no new parser (every message is a document of
 * its own); the stream ends with {@code <close/>} and then the WebSocket closing handshake (§3.6).
 */
final class WsConnection implements Transport {
    private static final int HIGH_WATER = 64;
    private static final int LOW_WATER = 16;
    /** How long a stream ended by the server waits for the client's {@code <close/>}. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** Set once this side has sent its Close frame: the client's Close then only ends the connection. */
    static final AttributeKey<Boolean> CLOSE_SENT = AttributeKey.valueOf("chorus.ws.close-sent");

    private final Channel channel;
    private final boolean secure;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean paused;

    WsConnection(Channel channel, boolean secure) {
        this.channel = channel;
        this.secure = secure;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public boolean canStartTls() {
        return false;
    }

    /** For the registration limit and the admins' notice only, never stored or logged. */
    @Override
    public ClientSource source() {
        return ClientSource.of(channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null);
    }

    /** Any frame counts, pongs and pings included (the {@link ReadStamp} in front of the frame aggregator). */
    @Override
    public long lastReceived() {
        ReadStamp stamp = channel.pipeline().get(ReadStamp.class);
        return stamp == null ? System.nanoTime() : stamp.last();
    }

    @Override
    public void send(Object item) {
        channel.writeAndFlush(item, channel.voidPromise());
    }

    @Override
    public void sendThen(Object item, Runnable written) {
        channel.writeAndFlush(item).addListener(f -> {
            if (f.isSuccess()) {
                written.run();
            }
        });
    }

    /** Never asked: {@link #canStartTls()} is false. */
    @Override
    public void startTls(Element proceed) {
        fail(new StreamError(StreamErrors.POLICY_VIOLATION, "a WebSocket stream has no STARTTLS"));
    }

    /** RFC 7395 §3.7: the client opens the new stream with a new {@code <open/>}; nothing to reset here. */
    @Override
    public void restartThenSend(Object success) {
        ConnectionCaps.Ticket ticket = channel.attr(WebSocketRoute.TICKET).get();
        if (ticket != null) {
            ticket.authenticated();
        }
        send(success);
    }

    @Override
    public void fail(StreamError error) {
        if (channel.isActive()) {
            channel.write(error);
            closeConnection();
        }
    }

    @Override
    public void endGracefully(StreamError error) {
        if (channel.isActive()) {
            channel.writeAndFlush(error);
            channel.eventLoop().schedule(this::closeConnection, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.write(StreamClose.INSTANCE);
            closeConnection();
        }
    }

    @Override
    public void closeNow() {
        closeConnection();
    }

    /**
     * RFC 6455 §5.5.1 and §7.1.1: our Close frame, then the client's, then the TCP connection (at most
     * {@link #CLOSE_WAIT} later). Reading goes on meanwhile and what the client still sends is dropped (the session is
     * gone): closing a socket with unread input makes the kernel answer with a reset, and a client still writing a long
     * message would lose the stream error we just sent.
     */
    private void closeConnection() {
        channel.eventLoop().execute(() -> {
            if (!channel.isActive() || channel.attr(CLOSE_SENT).setIfAbsent(Boolean.TRUE) != null) {
                return;
            }
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
            paused = false;
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void pauseReading() {
        channel.eventLoop().execute(() -> {
            paused = true;
            channel.config().setAutoRead(false);
        });
    }

    @Override
    public void resumeReading() {
        channel.eventLoop().execute(() -> {
            paused = false;
            channel.config().setAutoRead(true);
        });
    }

    /** Counts an event handed to the session; reading pauses when the session falls behind. */
    void dispatched() {
        if (inFlight.incrementAndGet() >= HIGH_WATER && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    @Override
    public void processed() {
        if (inFlight.decrementAndGet() == LOW_WATER) {
            channel.eventLoop().execute(() -> {
                if (inFlight.get() <= LOW_WATER && !paused) {
                    channel.config().setAutoRead(true);
                }
            });
        }
    }
}
