package chorus.node.tcp;

import chorus.node.config.ConnectionLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/**
 * A listening socket of XMPP streams, with the socket options every stream connection uses, accepted or opened:
 * the write buffer water marks {@link OutboundBackPressure} works with, and one read of at most 64 KiB per turn (what
 * a fast sender gets parsed before its stream's actor, or the write buffer, can make reading pause is one read).
 */
public final class TcpListener {
    private TcpListener() {
    }

    /** Binds {@code address}; each accepted connection gets the pipeline {@code init} builds. */
    public static Channel bind(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> type,
                               InetSocketAddress address, ChannelInitializer<SocketChannel> init, ConnectionLimits limits)
            throws InterruptedException {
        return new ServerBootstrap()
            .group(boss, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks(limits))
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, oneReadPerTurn())
            .childHandler(init)
            .bind(address).sync().channel();
    }

    /** The same options on a connection this node opens (an outgoing server-to-server stream). */
    public static Bootstrap connecting(Bootstrap b, ConnectionLimits limits) {
        return b.option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks(limits))
            .option(ChannelOption.RCVBUF_ALLOCATOR, oneReadPerTurn());
    }

    private static WriteBufferWaterMark marks(ConnectionLimits limits) {
        return new WriteBufferWaterMark(limits.writeBufferLow(), limits.writeBufferHigh());
    }

    private static RecvByteBufAllocator oneReadPerTurn() {
        return new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1);
    }
}
