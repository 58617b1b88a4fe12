package chorus.node.tcp;

import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline stage that keeps what waits for a client that does not read bounded. The channel's write buffer
 * water marks (set on the listener) make it unwritable above the high mark; while it is, the client is not
 * read from, so it cannot ask for more. A client that stays unwritable for the connection timeout, or for which
 * the maximum piles up while it is unwritable, is disconnected with a stream error, before or after authentication,
 * with or without XEP-0198 (a resumable session then waits for its client as after any dropped connection).
 * Server-to-server and component connections have the same stage: a peer server that does not read is disconnected
 * the same way (its RemoteDomain entity keeps what the peer did not acknowledge).
 * <p>
 * The maximum counts what is written while the client is behind (unwritable), not everything that waits: one
 * element written while it kept up may be larger than the maximum (a roster of thousands of contacts, bounded by
 * its own limits), and a client reading it at any pace is not cut off for it. What waits is at most the high mark,
 * one element, and the maximum.
 */
public final class OutboundBackPressure extends ChannelDuplexHandler {
    public static final String NAME = "back-pressure";
    /** After the stream error is queued, how long the client has to read it before the connection closes. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Duration timeout;
    private final long max;
    private ScheduledFuture<?> deadline;
    private boolean ending;
    /** Bytes written since the channel last became unwritable. */
    private long whileBehind;

    public OutboundBackPressure(Duration timeout, long max) {
        this.timeout = timeout;
        this.max = max;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ReadGate gate = ReadGate.of(ctx.channel());
        if (ctx.channel().isWritable()) {
            gate.resume(ReadGate.UNWRITABLE);
            whileBehind = 0;
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        } else {
            gate.stop(ReadGate.UNWRITABLE);
            if (deadline == null) {
                deadline = ctx.executor().schedule(() -> end(ctx, StreamErrors.CONNECTION_TIMEOUT,
                    "the client did not read what was sent to it"), timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean behind = !ctx.channel().isWritable();
        long bytes = msg instanceof ByteBuf b ? b.readableBytes() : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
        ctx.write(msg, promise);
        if (behind) {
            whileBehind += bytes;
            if (whileBehind >= max) {
                end(ctx, StreamErrors.RESOURCE_CONSTRAINT, "too much is waiting for the client to read it");
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /** Queues the stream error behind what waits, and closes: at once once it is written, else soon. */
    private void end(ChannelHandlerContext ctx, String condition, String text) {
        if (ending || !ctx.channel().isActive()) {
            return;
        }
        ending = true;
        ctx.channel().writeAndFlush(new StreamError(condition, text)).addListener(f -> ctx.channel().close());
        ctx.executor().schedule(() -> ctx.channel().close(), CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
