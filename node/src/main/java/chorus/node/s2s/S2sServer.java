package chorus.node.s2s;

import chorus.actors.xmpp.Ns;
import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamLimits;
import chorus.node.tcp.StreamChannelHandler;
import chorus.node.tcp.TcpConnection;
import chorus.node.tcp.TcpListener;
import chorus.node.tls.S2sTlsContexts;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-to-server side of the node's network: the listeners (STARTTLS on {@code chorus.s2s.port}, direct TLS
 * on {@code chorus.s2s.tls-port}, XEP-0368; 0 turns either off), whose connections each get an
 * {@link IncomingStream}, and the event loops of outgoing connections ({@link S2sConnector}).
 */
public final class S2sServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S2sServer.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> serverChannel;
    private final S2sConnector connector;
    private final S2sTlsContexts tls;
    private final StreamLimits limits;
    private final long readRateLimit;
    private final ConnectionLimits connection;
    /**
     * Concurrent: the node's stop and the actor system's termination (a downed node) both stop listening, on two
     * threads at once (a plain list threw ConcurrentModificationException there).
     */
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();

    private S2sServer(S2sTlsContexts tls, StreamLimits limits, long readRateLimit, ConnectionLimits connection,
                      java.time.Duration connectTimeout) {
        boolean epoll = Epoll.isAvailable();
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = epoll ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);
        this.serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.tls = tls;
        this.limits = limits;
        this.readRateLimit = readRateLimit;
        this.connection = connection;
        this.connector = new S2sConnector(workers, epoll ? EpollSocketChannel.class : NioSocketChannel.class, tls, limits,
            readRateLimit, connection, connectTimeout);
    }

    /**
     * The event loops and the connector; {@link #listen} opens the ports once the streams' context exists.
     * {@code connection}: the write buffer bounds and timeout, as for clients.
     */
    public static S2sServer create(S2sTlsContexts tls, StreamLimits limits, long readRateLimit,
                                   ConnectionLimits connection, java.time.Duration connectTimeout) {
        return new S2sServer(tls, limits, readRateLimit, connection, connectTimeout);
    }

    public S2sConnector connector() {
        return connector;
    }

    /** Opens the listeners on {@code bind}. */
    public void listen(S2sContext node, ActorSystem<?> system, InetAddress bind) throws InterruptedException {
        int port = node.settings().port();
        int tlsPort = node.settings().tlsPort();
        if (port > 0) {
            bind(new InetSocketAddress(bind, port), false, node, system);
        }
        if (tlsPort > 0) {
            bind(new InetSocketAddress(bind, tlsPort), true, node, system);
        }
        log.info("server-to-server listeners on {} port {} (STARTTLS) and {} (direct TLS)", bind.getHostAddress(),
            port, tlsPort);
    }

    private void bind(InetSocketAddress address, boolean directTls, S2sContext node, ActorSystem<?> system)
            throws InterruptedException {
        StreamChannelHandler.Target<IncomingStream.Input> target = new StreamChannelHandler.Target<>() {
            @Override
            public ActorRef<IncomingStream.Input> start(TcpConnection connection) {
                return system.systemActorOf(IncomingStream.create(connection, node), "s2s-in-" + IDS.incrementAndGet(),
                    Props.empty());
            }

            @Override
            public IncomingStream.Input inbound(StreamEvent event) {
                return new IncomingStream.Inbound(event);
            }

            @Override
            public IncomingStream.Input closed() {
                return IncomingStream.TransportClosed.INSTANCE;
            }
        };
        Channel ch = TcpListener.bind(boss, workers, serverChannel, address, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
                S2sPipeline.build(c.pipeline(), directTls ? tls.newServerHandler(c.alloc(), false) : null, limits,
                    readRateLimit, connection, new StreamChannelHandler<>(x -> new TcpConnection(x,
                        y -> tls.newServerHandler(y.alloc(), true), limits, Ns.SERVER, false), target));
            }
        }, connection);
        listeners.add(ch);
    }

    /** Stops accepting connections. */
    public void stopListening() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            listeners.remove(ch);
        }
    }

    /** Stops accepting and ends the event loops (their connections close). */
    @Override
    public void close() {
        stopListening();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
