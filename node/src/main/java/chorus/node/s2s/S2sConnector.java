package chorus.node.s2s;

import chorus.actors.s2s.RemoteLink;
import chorus.actors.xmpp.Ns;
import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamLimits;
import chorus.node.tcp.StreamChannelHandler;
import chorus.node.tcp.TcpConnection;
import chorus.node.tcp.TcpListener;
import chorus.node.tls.S2sTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Opens the connections of outgoing server-to-server streams (Netty), each feeding its {@link OutgoingStream}. */
public final class S2sConnector {
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final S2sTlsContexts tls;
    private final StreamLimits limits;
    private final long readRateLimit;
    private final ConnectionLimits connection;
    private final Duration connectTimeout;

    S2sConnector(EventLoopGroup group, Class<? extends Channel> channelType, S2sTlsContexts tls, StreamLimits limits,
                 long readRateLimit, ConnectionLimits connection, Duration connectTimeout) {
        this.group = group;
        this.channelType = channelType;
        this.tls = tls;
        this.limits = limits;
        this.readRateLimit = readRateLimit;
        this.connection = connection;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Connects to one address of {@code remote}; what the peer says goes to {@code link} as connection {@code attempt}.
     * Completes once connected (a direct-TLS handshake still runs: what is sent waits for it).
     */
    CompletionStage<TcpConnection> connect(S2sEndpoint.Address address, String remote, int attempt,
                                           ActorRef<RemoteLink> link) {
        CompletableFuture<TcpConnection> done = new CompletableFuture<>();
        int port = address.address().getPort();
        StreamChannelHandler.Target<RemoteLink> target = new StreamChannelHandler.Target<>() {
            @Override
            public ActorRef<RemoteLink> start(TcpConnection connection) {
                done.complete(connection);
                return link;
            }

            @Override
            public RemoteLink inbound(StreamEvent event) {
                return new OutgoingStream.Inbound(attempt, event);
            }

            @Override
            public RemoteLink closed() {
                return new OutgoingStream.Closed(attempt);
            }
        };
        Bootstrap b = TcpListener.connecting(new Bootstrap().group(group).channel(channelType), connection)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    S2sPipeline.build(ch.pipeline(),
                        address.directTls() ? tls.newClientHandler(ch.alloc(), remote, port, true) : null,
                        limits, readRateLimit, connection, new StreamChannelHandler<>(c -> new TcpConnection(c,
                            x -> tls.newClientHandler(x.alloc(), remote, port, false), limits, Ns.SERVER, false), target));
                }
            });
        b.connect(address.address()).addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }
}
