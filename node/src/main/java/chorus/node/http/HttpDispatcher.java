package chorus.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last stage of an HTTP connection: hands each request to its {@link Route}, one request at a time (HTTP/1.1
 * answers in order, so a request pipelined behind a held one waits, and reading pauses meanwhile), answers CORS
 * preflights and unknown paths itself, and closes a connection that stays idle with no request in progress. It logs
 * no address, path or body.
 */
final class HttpDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);
    /** Requests read behind one that waits for its answer; more close the connection. */
    private static final int MAX_PIPELINED = 64;
    /**
     * After answering a request whose body it did not read (413, a refusal), the connection reads and drops what the
     * client still sends for at most this long and this much, then closes (a "lingering close", RFC 9112 §9.6): closing
     * while the client writes makes its TCP stack reset the connection and discard the answer unread.
     */
    private static final long LINGER_MILLIS = 2000;
    private static final long LINGER_BYTES = 1 << 20;

    private final List<Route> routes;
    private final Cors cors;
    private final boolean secure;
    private final RequestDeadlines deadlines;
    private ChannelHandlerContext ctx;

    /** The request in progress, and its body's and answer's state; generation tells a late reply from a current one. */
    private HttpRequest request;
    private Route.Exchange exchange;
    private boolean bodyDone;
    private boolean answered;
    /** Bytes dropped while lingering before the close; -1: not lingering. */
    private long lingered = -1;
    /** The client was too slow (408): its connection closes at once, without lingering. */
    private boolean tooSlow;
    private long generation;
    private final ArrayDeque<Object> pipelined = new ArrayDeque<>();

    HttpDispatcher(List<Route> routes, Cors cors, boolean secure, RequestDeadlines deadlines) {
        this.routes = routes;
        this.cors = cors;
        this.secure = secure;
        this.deadlines = deadlines;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingered >= 0) {
            lingered += msg instanceof HttpContent c ? c.content().readableBytes() : LINGER_BYTES;
            boolean over = msg instanceof LastHttpContent || lingered >= LINGER_BYTES;
            ReferenceCountUtil.release(msg);
            if (over) {
                ctx.close();
            }
            return;
        }
        if (request != null && bodyDone) {
            // Pipelined behind a request still waiting for its answer: kept, in order, and reading pauses.
            pipelined.add(msg);
            ctx.channel().config().setAutoRead(false);
            if (pipelined.size() > MAX_PIPELINED) {
                ctx.close();
            }
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                begin(req);
            }
            if (msg instanceof HttpContent chunk && request != null && !bodyDone) {
                if (exchange != null && !answered) {
                    exchange.content(chunk);
                }
                if (chunk instanceof LastHttpContent) {
                    bodyDone = true;
                    deadlines.bodyArrived();
                    if (answered) {
                        finish();
                    }
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest req) {
        request = req;
        exchange = null;
        // A request without a body is complete with its head (the codec's empty last chunk that follows is ignored).
        bodyDone = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
        answered = false;
        long gen = ++generation;
        deadlines.headArrived(!bodyDone);
        if (req.decoderResult().isFailure()) {
            HttpUtil.setKeepAlive(req, false);
            respond(gen, Responses.text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), null);
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
        } catch (IllegalArgumentException e) {
            respond(gen, Responses.text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), null);
            return;
        }
        Route route = routes.stream().filter(r -> r.serves(path)).findFirst().orElse(null);
        if (route == null) {
            respond(gen, Responses.text(HttpResponseStatus.NOT_FOUND, "not found\n"), null);
        } else if (Cors.isPreflight(req)) {
            respond(gen, cors.preflight(req, route.methods()), null);
        } else {
            try {
                exchange = route.open(req, path, new ReplyTo(gen));
            } catch (RuntimeException e) {
                log.warn("an HTTP route failed: {}", e.getClass().getSimpleName());
                respond(gen, Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"), null);
            }
        }
    }

    /**
     * Writes the answer to request {@code gen}, if it is still the current one and has none yet; returns the write's
     * future, or null when the answer came too late (the connection closed, or it was answered already).
     */
    private ChannelFuture respond(long gen, HttpResponse response, Object body) {
        if (gen != generation || answered || request == null) {
            ReferenceCountUtil.release(response);
            release(body);
            return null;
        }
        answered = true;
        cors.decorate(request, response);
        // A connection whose request body was not read to its end cannot carry another request.
        boolean keepAlive = HttpUtil.isKeepAlive(request) && bodyDone;
        HttpUtil.setKeepAlive(response, keepAlive);
        if (response instanceof FullHttpResponse full && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(response, full.content().readableBytes());
        }
        ChannelFuture done;
        if (body == null) {
            done = ctx.writeAndFlush(response);
        } else {
            ctx.write(response);
            ctx.write(body);
            done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        if (!keepAlive && !bodyDone && !tooSlow) {
            done.addListener(written -> linger());
        } else if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
        if (bodyDone) {
            finish();
        }
        return done;
    }

    /** The answer is out but the client may still be sending the body: drop the rest for a while, then close. */
    private void linger() {
        if (!ctx.channel().isActive()) {
            return;
        }
        lingered = 0;
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The request is over (body read, answer written): the next one, if one waits. */
    private void finish() {
        request = null;
        exchange = null;
        deadlines.requestDone();
        ctx.channel().config().setAutoRead(true);
        while (!pipelined.isEmpty() && (request == null || !bodyDone)) {
            handle(pipelined.poll());
        }
        if (request != null && bodyDone) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private static void release(Object body) {
        if (body instanceof ChunkedInput<?> in) {
            try {
                in.close();
            } catch (Exception ignored) {
                // nothing to do
            }
        } else {
            ReferenceCountUtil.release(body);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && request == null) {
            ctx.close();
            return;
        }
        if (evt == RequestDeadlines.TIMED_OUT) {
            timedOut();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * The request's head or body did not arrive in time (RFC 9110 §15.5.9): 408 and the connection closes; a route
     * reading the body hears it was cut short (an upload's partial file is removed).
     */
    private void timedOut() {
        if (exchange != null && !answered) {
            exchange.aborted();
        }
        tooSlow = true;
        if (request != null && !answered) {
            bodyDone = false;
            HttpUtil.setKeepAlive(request, false);
            respond(generation, Responses.text(HttpResponseStatus.REQUEST_TIMEOUT, "request timed out\n"), null);
        } else if (request == null) {
            ctx.writeAndFlush(Responses.text(HttpResponseStatus.REQUEST_TIMEOUT, "request timed out\n"))
                .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (exchange != null && !answered) {
            exchange.aborted();
        }
        request = null;
        exchange = null;
        while (!pipelined.isEmpty()) {
            ReferenceCountUtil.release(pipelined.poll());
        }
        super.channelInactive(ctx);
    }

    /** A broken connection or a TLS failure: closed quietly; the log names the failure, never the peer. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed: {}", cause.getClass().getSimpleName());
        ctx.close();
    }

    /** The reply of one request; every call lands on the connection's event loop. */
    private final class ReplyTo implements Reply {
        private final long gen;

        ReplyTo(long gen) {
            this.gen = gen;
        }

        @Override
        public void send(FullHttpResponse response) {
            onLoop(() -> respond(gen, response, null));
        }

        @Override
        public void sendThen(FullHttpResponse response, Runnable written) {
            onLoop(() -> {
                ChannelFuture f = respond(gen, response, null);
                if (f != null) {
                    f.addListener(w -> {
                        if (w.isSuccess()) {
                            written.run();
                        }
                    });
                }
            });
        }

        @Override
        public void stream(HttpResponse head, ChunkedInput<ByteBuf> body) {
            onLoop(() -> respond(gen, head, body));
        }

        @Override
        public void upgraded() {
            onLoop(() -> {
                if (gen == generation) {
                    answered = true;
                    request = null;
                    exchange = null;
                    // Now a client connection, counted and timed as one.
                    deadlines.stop();
                    ctx.pipeline().remove(deadlines);
                    HttpConnectionCaps.leave(ctx.channel());
                    ctx.pipeline().remove(HttpDispatcher.this);
                }
            });
        }

        @Override
        public Channel channel() {
            return ctx.channel();
        }

        @Override
        public boolean secure() {
            return secure;
        }

        private void onLoop(Runnable r) {
            if (ctx.executor().inEventLoop()) {
                r.run();
            } else {
                ctx.executor().execute(r);
            }
        }
    }
}
