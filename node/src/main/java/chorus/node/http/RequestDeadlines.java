package chorus.node.http;

import chorus.node.config.HttpSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The clock of one HTTP connection's requests, between TLS and the codec (it counts the bytes a request arrives in).
 * A request's head must arrive whole within {@code request-timeout} of its first byte (the first request's: of the
 * connection's opening, so a TLS handshake that trickles is timed too); its body must keep up {@code min-body-rate}
 * over each {@code request-timeout} while the node reads it. A window in which the node paused reading (its disk
 * catching up: {@link BodyStream}) is not held against the client. Past either, a {@link #TIMED_OUT} event goes down
 * the pipeline, and {@link HttpDispatcher} answers 408 and closes. All on the connection's event loop.
 */
final class RequestDeadlines extends ChannelInboundHandlerAdapter {
    /** The event fired when a request did not arrive in time. */
    static final Object TIMED_OUT = new Object() {
        @Override
        public String toString() {
            return "request timed out";
        }
    };

    private enum Phase { WAITING, HEAD, BODY, ANSWERING }

    private final long windowMs;
    private final long minWindowBytes;
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private ScheduledFuture<?> timer;
    private long windowBytes;
    private boolean pausedSeen;

    RequestDeadlines(HttpSettings.Limits limits) {
        this.windowMs = limits.requestTimeout().toMillis();
        this.minWindowBytes = limits.minBodyRate() * windowMs / 1000;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startHead();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            windowBytes += b.readableBytes();
            if (phase == Phase.WAITING && b.isReadable()) {
                startHead();
            }
        }
        super.channelRead(ctx, msg);
    }

    private void startHead() {
        cancel();
        phase = Phase.HEAD;
        timer = ctx.executor().schedule(this::expire, windowMs, TimeUnit.MILLISECONDS);
    }

    /** The request's head arrived whole; {@code body}: a body follows. */
    void headArrived(boolean body) {
        cancel();
        phase = body ? Phase.BODY : Phase.ANSWERING;
        if (body) {
            windowBytes = 0;
            pausedSeen = false;
            timer = ctx.executor().scheduleAtFixedRate(this::checkBody, windowMs, windowMs, TimeUnit.MILLISECONDS);
        }
    }

    /** The body arrived whole: the node answers now, which is not timed here. */
    void bodyArrived() {
        cancel();
        phase = Phase.ANSWERING;
    }

    /** The request is over: the next one's first byte starts its clock (until then the idle timeout applies). */
    void requestDone() {
        cancel();
        phase = Phase.WAITING;
    }

    /** The connection is no longer HTTP (a WebSocket): nothing more is timed here. */
    void stop() {
        cancel();
        phase = Phase.ANSWERING;
    }

    private void checkBody() {
        boolean paused = !ctx.channel().config().isAutoRead();
        boolean slow = !paused && !pausedSeen && windowBytes < minWindowBytes;
        pausedSeen = paused;
        windowBytes = 0;
        if (slow) {
            expire();
        }
    }

    private void expire() {
        cancel();
        if (ctx.channel().isActive()) {
            ctx.fireUserEventTriggered(TIMED_OUT);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
