package chorus.loadtest.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens client connections on a few event loops (epoll when available). Users are spread over the
 * targets round-robin by index, as DNS round-robin would spread them; connections over the source
 * addresses round-robin, so each source address brings its own range of ephemeral ports. It connects
 * to the targets given and nowhere else.
 */
public final class Connector implements AutoCloseable {
    private final ClientConfig config;
    private final List<InetSocketAddress> targets;
    private final java.util.Set<InetSocketAddress> down = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<InetAddress> sources;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final SslContext ssl;
    private final AtomicLong connections = new AtomicLong();
    private final String sslProviderName;
    /** RFC 7395 §3.1. */
    static final String XMPP_SUBPROTOCOL = "xmpp";
    /** The largest message the generator takes: well over any stanza a scenario gets. */
    private static final int MAX_MESSAGE = 1 << 20;

    public Connector(ClientConfig config, List<InetSocketAddress> targets, List<InetAddress> sources, int threads) {
        this(config, targets, sources, threads, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    /** {@code tls} picks the TLS implementation: OpenSSL (BoringSSL) costs the generator far less CPU per handshake. */
    public Connector(ClientConfig config, List<InetSocketAddress> targets, List<InetAddress> sources, int threads,
                     SslProvider tls) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target");
        }
        this.config = config;
        this.targets = List.copyOf(targets);
        this.sources = List.copyOf(sources);
        this.sslProviderName = tls.name();
        DefaultThreadFactory tf = new DefaultThreadFactory("loadtest-io", true);
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads, tf);
            channelClass = EpollSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(threads, tf);
            channelClass = NioSocketChannel.class;
        }
        try {
            // Servers under load test run with self-signed certificates; the generator checks nothing.
            ssl = SslContextBuilder.forClient().sslProvider(tls)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException e) {
            group.shutdownGracefully();
            throw new IllegalStateException("no TLS client context: " + e.getMessage(), e);
        }
    }

    public ClientConfig config() {
        return config;
    }

    public String transport() {
        return channelClass.getSimpleName() + (config.websocket() ? " + WebSocket " + config.wsPath() : "");
    }

    /** JDK or OPENSSL. */
    public String tlsProvider() {
        return sslProviderName;
    }

    public List<InetSocketAddress> targets() {
        return targets;
    }

    /**
     * Which target a user connects to: round-robin by index, skipping targets marked down (the next one in the
     * list, as a client tries the next address DNS gave it); the user's own when all are down.
     */
    public InetSocketAddress targetOf(int index) {
        int first = Math.floorMod(index, targets.size());
        for (int i = 0; i < targets.size(); i++) {
            InetSocketAddress t = targets.get((first + i) % targets.size());
            if (!down.contains(t)) {
                return t;
            }
        }
        return targets.get(first);
    }

    /** From now on, users whose target this is connect to the next one instead. */
    public void markDown(InetSocketAddress target) {
        down.add(target);
    }

    /** Starts a connection for the user; its {@link XmppSession#ready()} tells how it went. */
    public XmppSession open(int index, Account account, XmppSession.Purpose purpose, SessionListener listener) {
        XmppSession session = new XmppSession(index, account, config, purpose, this::newTlsHandler, listener);
        long n = connections.getAndIncrement();
        InetSocketAddress target = targetOf(index);
        Bootstrap b = new Bootstrap().group(group).channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.setupTimeout().toMillis()))
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    if (config.tls() == TlsMode.DIRECT) {
                        ch.pipeline().addLast("tls", newTlsHandler(ch));
                    }
                    if (config.websocket()) {
                        addWebSocket(ch, target);
                    }
                    ch.pipeline().addLast("xmpp", session);
                }
            });
        ChannelFuture f = sources.isEmpty() ? b.connect(target)
            : b.connect(target, new InetSocketAddress(sources.get((int) (n % sources.size())), 0));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                session.connectFailed(done.cause());
            }
        });
        return session;
    }

    /**
     * RFC 7395 §3.1 over Netty's WebSocket client: an HTTP upgrade to {@code ws(s)://HOST:PORT/PATH} asking for the
     * {@code xmpp} subprotocol (a server that does not choose it fails the handshake), then frames; pings answered,
     * fragments joined, each message's text to the session.
     */
    private void addWebSocket(SocketChannel ch, InetSocketAddress target) {
        String scheme = config.tls() == TlsMode.NONE ? "ws" : "wss";
        URI uri = URI.create(scheme + "://" + hostForUri(target) + ":" + target.getPort() + config.wsPath());
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri).subprotocol(XMPP_SUBPROTOCOL).version(WebSocketVersion.V13)
            .handshakeTimeoutMillis(config.setupTimeout().toMillis())
            .maxFramePayloadLength(MAX_MESSAGE).handleCloseFrames(true).dropPongFrames(true)
            .build();
        ch.pipeline()
            .addLast("http", new HttpClientCodec())
            .addLast("http-aggregate", new HttpObjectAggregator(64 * 1024))
            .addLast("ws", new WebSocketClientProtocolHandler(ws))
            .addLast("ws-aggregate", new WebSocketFrameAggregator(MAX_MESSAGE))
            .addLast("ws-messages", new WebSocketMessages());
    }

    private static String hostForUri(InetSocketAddress a) {
        String h = a.getHostString();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    /**
     * A client TLS handler naming the domain in SNI. No peer host is given to the engine, so the JDK
     * keeps no session to resume: every login pays a full handshake, as a new client would.
     */
    private SslHandler newTlsHandler(Channel ch) {
        SSLEngine engine = ssl.newEngine(ch.alloc());
        try {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(config.domain())));
            engine.setSSLParameters(p);
        } catch (IllegalArgumentException notAHostName) {
            // no SNI for a domain that is not a DNS name
        }
        return new SslHandler(engine);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
