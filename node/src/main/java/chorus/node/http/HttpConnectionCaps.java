package chorus.node.http;

import chorus.node.c2s.ConnectionCaps;
import chorus.node.config.HttpSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections the HTTP listener holds: all of them and those from each source (an IPv4 address or an IPv6
 * /64, as {@link ConnectionCaps} counts client connections). A sibling of {@link ConnectionCaps} rather than a use of
 * it: an HTTP connection carrying uploads or BOSH requests is not an XMPP stream (a BOSH session takes its own place
 * there, and a WebSocket takes one when it is upgraded, leaving this count then). Counted in memory only while the
 * connections are open; a source is forgotten with its last connection and never stored or logged.
 */
public final class HttpConnectionCaps {
    private static final AttributeKey<Runnable> RELEASE = AttributeKey.valueOf("chorus-http-ticket");
    /** A refused connection that does not take its answer (a TLS handshake that never ends) is closed after this. */
    private static final long REFUSED_LINGER_MS = 5000;

    private final HttpSettings.Limits limits;
    private final boolean perAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<Object, AtomicInteger> bySource = new ConcurrentHashMap<>();

    /** @param perAddress false behind a TLS-terminating proxy, where every connection has the proxy's address */
    HttpConnectionCaps(HttpSettings.Limits limits, boolean perAddress) {
        this.limits = limits;
        this.perAddress = perAddress;
    }

    /** Counts a connection from this address; null if it is admitted, else the status it gets. */
    HttpResponseStatus admit(InetAddress address) {
        if (total.incrementAndGet() > limits.maxConnections()) {
            total.decrementAndGet();
            return HttpResponseStatus.SERVICE_UNAVAILABLE;
        }
        if (!perAddress) {
            return null;
        }
        Object source = ConnectionCaps.sourceOf(address);
        AtomicInteger n = bySource.compute(source, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (n.get() > limits.maxPerAddress()) {
            release(address);
            return HttpResponseStatus.TOO_MANY_REQUESTS;
        }
        return null;
    }

    private void release(InetAddress address) {
        total.decrementAndGet();
        if (perAddress) {
            bySource.computeIfPresent(ConnectionCaps.sourceOf(address), (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        }
    }

    int connections() {
        return total.get();
    }

    int sources() {
        return bySource.size();
    }

    /** The connection leaves the count now (a WebSocket, upgraded); it is released once, whichever comes first. */
    static void leave(Channel channel) {
        Runnable r = channel.attr(RELEASE).getAndSet(null);
        if (r != null) {
            r.run();
        }
    }

    /** The first stage of each connection: counts it while it is open, or answers 503/429 and closes it. */
    @ChannelHandler.Sharable
    final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            HttpResponseStatus refused = admit(address);
            if (refused == null) {
                ctx.channel().attr(RELEASE).set(() -> release(address));
                ctx.channel().closeFuture().addListener(f -> leave(ctx.channel()));
                super.channelActive(ctx);
                return;
            }
            // Answered before any request is read, through the whole pipeline (TLS, the codec), then closed.
            ctx.channel().config().setAutoRead(false);
            FullHttpResponse r = Responses.text(refused, refused == HttpResponseStatus.TOO_MANY_REQUESTS
                ? "too many connections from your address\n" : "the server holds all the connections it can\n");
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.channel().writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            ctx.executor().schedule(() -> ctx.channel().close(), REFUSED_LINGER_MS, TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }
    }
}
