package chorus.node.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/** A listening socket of XMPP streams, with the socket options every stream listener uses. */
public final class TcpListener {
    private TcpListener() {
    }

    /** Binds {@code address}; each accepted connection gets the pipeline {@code init} builds. */
    public static Channel bind(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> type,
                               InetSocketAddress address, ChannelInitializer<SocketChannel> init)
            throws InterruptedException {
        return new ServerBootstrap()
            .group(boss, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(init)
            .bind(address).sync().channel();
    }
}
