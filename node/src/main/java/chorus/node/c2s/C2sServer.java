package chorus.node.c2s;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import chorus.node.config.ConnectionLimits;
import chorus.node.tcp.TcpListener;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The client listeners: STARTTLS on the c2s port, direct TLS (XEP-0368) on the TLS port. */
public final class C2sServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(C2sServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<Channel> listeners = new ArrayList<>();

    private C2sServer(EventLoopGroup boss, EventLoopGroup workers) {
        this.boss = boss;
        this.workers = workers;
    }

    /** {@code eventLoops}: threads of the connections' event loops (0: Netty's default, 2 per core). */
    public static C2sServer start(C2sContext node, ActorSystem<?> system, int eventLoops) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(eventLoops) : new NioEventLoopGroup(eventLoops);
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        C2sServer server = new C2sServer(boss, workers);
        try {
            int port = node.settings().c2s().port();
            ConnectionLimits limits = node.settings().c2s().limits();
            ConnectionCaps caps = node.caps(); // every port counts together, with WebSocket and BOSH
            server.listen(boss, workers, channel, new InetSocketAddress(node.settings().bind(), port),
                new C2sInitializer(false, node, system, caps), limits);
            int tlsPort = node.settings().c2s().tlsPort();
            if (tlsPort > 0) {
                server.listen(boss, workers, channel, new InetSocketAddress(node.settings().bind(), tlsPort),
                    new C2sInitializer(true, node, system, caps), limits);
            }
            if (node.settings().onion().enabled()) {
                // Tor's hidden service forwards here; see README, Onion service.
                server.listen(boss, workers, channel, new InetSocketAddress(node.settings().onion().bind(),
                    node.settings().onion().port()), new C2sInitializer(false, true, node, system, caps), limits);
                log.info("onion service listener on {} port {}", node.settings().onion().bind().getHostAddress(),
                    node.settings().onion().port());
            }
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        log.info("client listeners on {} port {} (STARTTLS) and {} (direct TLS), transport {}",
            node.settings().bind().getHostAddress(), node.settings().c2s().port(), node.settings().c2s().tlsPort(),
            epoll ? "epoll" : "nio");
        return server;
    }

    private void listen(EventLoopGroup boss, EventLoopGroup workers, Class<? extends ServerChannel> channel,
                        InetSocketAddress address, C2sInitializer init, ConnectionLimits limits)
        throws InterruptedException {
        listeners.add(TcpListener.bind(boss, workers, channel, address, init, limits));
    }

    /** Stops accepting connections. */
    public void stopListening() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        listeners.clear();
    }

    @Override
    public void close() {
        stopListening();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
