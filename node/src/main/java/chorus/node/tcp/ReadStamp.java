package chorus.node.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Notes when the client last sent anything (after TLS: what it said, whitespace keepalives included), for the
 * session's idle check, which reads it from another thread. One volatile write per read; nothing else.
 */
public final class ReadStamp extends ChannelInboundHandlerAdapter {
    public static final String NAME = "read-stamp";

    private volatile long last = System.nanoTime();

    public long last() {
        return last;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        last = System.nanoTime();
        ctx.fireChannelRead(msg);
    }
}
