package chorus.node.http;

import chorus.node.config.HttpSettings;
import chorus.node.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node's one HTTP listener ({@code chorus.http}), on Netty's HTTP codec: HTTPS with the node's reloadable
 * certificate (TLS 1.2/1.3, ECDHE only, as for clients), or plain HTTP behind a proxy that terminates TLS. Each path
 * family is a {@link Route}: upload, WebSocket, BOSH, host-meta, the badge. The pipeline of a connection, by stage:
 * {@code gate} (the node's and the source's connection caps: {@link HttpConnectionCaps}), {@code tls} (unless off),
 * {@code deadlines} (a request's head and body must arrive in time: {@link RequestDeadlines}), {@code http} (the codec; request line 4 KiB, headers 8 KiB), {@code continue}
 * ({@code Expect: 100-continue}), {@code chunked} (files out as the client takes them), {@code idle} (a connection
 * with no request in progress closes after {@code idle-timeout}), {@code routes} ({@link HttpDispatcher}). A
 * WebSocket replaces what follows {@code http} with its own stages.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    public static final String GATE = "gate";
    public static final String TLS = "tls";
    public static final String DEADLINES = "deadlines";
    public static final String HTTP = "http";
    public static final String CONTINUE = "continue";
    public static final String CHUNKED = "chunked";
    public static final String IDLE = "idle";
    public static final String ROUTES = "routes";

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final List<Route> routes;

    private HttpListener(EventLoopGroup boss, EventLoopGroup workers, Channel channel, List<Route> routes) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
        this.routes = routes;
    }

    /** Binds the listener; the routes are tried in order. */
    public static HttpListener start(HttpSettings settings, TlsContexts tls, List<Route> routes)
        throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup() : new NioEventLoopGroup();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Cors cors = new Cors(settings.corsOrigins(), settings.publicUrl());
        List<Route> all = List.copyOf(routes);
        long idle = settings.idleTimeout().toMillis();
        // Behind a TLS-terminating proxy every connection has the proxy's address: no per-address count then.
        HttpConnectionCaps.Gate gate = new HttpConnectionCaps(settings.limits(), settings.tls()).new Gate();
        try {
            Channel ch = new ServerBootstrap()
                .group(boss, workers)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(GATE, gate);
                        if (settings.tls()) {
                            c.pipeline().addLast(TLS, tls.newHttpHandler(c.alloc()));
                        }
                        RequestDeadlines deadlines = new RequestDeadlines(settings.limits());
                        c.pipeline()
                            .addLast(DEADLINES, deadlines)
                            .addLast(HTTP, new HttpServerCodec(4096, 8192, 65536))
                            .addLast(CONTINUE, new HttpServerExpectContinueHandler())
                            .addLast(CHUNKED, new ChunkedWriteHandler())
                            .addLast(IDLE, new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                            // Without TLS here, the admin vouches that TLS ends at the proxy in front.
                            .addLast(ROUTES, new HttpDispatcher(all, cors, true, deadlines));
                    }
                })
                .bind(new InetSocketAddress(settings.bind(), settings.port())).sync().channel();
            log.info("HTTP listener on {} port {} ({}), {} routes", settings.bind().getHostAddress(), settings.port(),
                settings.tls() ? "HTTPS" : "plain HTTP behind a TLS proxy", all.size());
            return new HttpListener(boss, workers, ch, all);
        } catch (RuntimeException | InterruptedException e) {
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting connections; those open stay until {@link #close}. */
    public void stopListening() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stopListening();
        for (Route r : routes) {
            if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("closing an HTTP route failed: {}", e.toString());
                }
            }
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
