package chorus.node.component;

import chorus.actors.router.Router;
import chorus.actors.xmpp.StanzaError;
import chorus.node.config.ComponentSettings;
import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamLimits;
import chorus.node.stream.XmlStreamDecoder;
import chorus.node.stream.XmlStreamEncoder;
import chorus.node.tcp.OutboundBackPressure;
import chorus.node.tcp.StreamChannelHandler;
import chorus.node.tcp.TcpConnection;
import chorus.node.tcp.TcpListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * External components (XEP-0114) on this node: each configured component's domain is a service of every node's
 * router, which hands its stanzas to the component's stream wherever in the cluster it is connected (the
 * receptionist lists them under {@code component:DOMAIN}), or, when none is known, holds them a moment for one and
 * then answers service-unavailable ({@link ComponentDomain}); and the component listener ({@code chorus.component.port}, loopback by default) on which components connect.
 */
public final class Components implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Components.class);
    /** XEP-0114's content namespace. */
    static final String NS = "jabber:component:accept";
    private static final AtomicLong IDS = new AtomicLong();

    private final ComponentRegistry registry;
    private EventLoopGroup loops;
    private Channel listener;

    private Components(int maxConnections) {
        this.registry = new ComponentRegistry(maxConnections);
    }

    static ServiceKey<ComponentStream.Deliver> key(String domain) {
        return ServiceKey.create(ComponentStream.Deliver.class, "component:" + domain);
    }

    /**
     * Makes every configured component a service of {@code router} (before any stream may address it) and opens the
     * listener when a port is set.
     */
    public static Components start(ComponentSettings settings, StreamLimits limits, ConnectionLimits connection,
                                   ActorSystem<?> system, Router router) throws InterruptedException {
        Components c = new Components(settings.maxConnections());
        Map<String, String> secrets = new HashMap<>();
        for (ComponentSettings.Component comp : settings.components()) {
            secrets.put(comp.domain(), comp.secret());
            String domain = comp.domain();
            // XEP-0114 §1: the server stands in for the component's domain; with none connected, nobody answers.
            ComponentDomain d = new ComponentDomain(domain,
                stanza -> router.bounce(stanza, StanzaError.Condition.SERVICE_UNAVAILABLE));
            d.watching(system.systemActorOf(d.behavior(settings.registrationWait(), settings.registrationWaitMax(),
                Clock.systemUTC()), "components-" + domain, Props.empty()));
            router.addService(domain, d::deliver);
        }
        if (settings.port() > 0) {
            c.listen(settings, limits, connection, system, router, Map.copyOf(secrets));
        }
        return c;
    }

    private void listen(ComponentSettings settings, StreamLimits limits, ConnectionLimits connection,
                        ActorSystem<?> system, Router router, Map<String, String> secrets) throws InterruptedException {
        loops = new NioEventLoopGroup(1);
        StreamChannelHandler.Target<ComponentStream.Input> target = new StreamChannelHandler.Target<>() {
            @Override
            public ActorRef<ComponentStream.Input> start(TcpConnection connection) {
                return system.systemActorOf(ComponentStream.create(connection, router, secrets, registry),
                    "component-" + IDS.incrementAndGet(), Props.empty());
            }

            @Override
            public ComponentStream.Input inbound(StreamEvent event) {
                return new ComponentStream.Inbound(event);
            }

            @Override
            public ComponentStream.Input closed() {
                return ComponentStream.TransportClosed.INSTANCE;
            }
        };
        InetSocketAddress address = new InetSocketAddress(settings.bind(), settings.port());
        listener = TcpListener.bind(loops, loops, NioServerSocketChannel.class, address,
            new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    // Components run beside the server (loopback): no TLS, as XEP-0114 has none.
                    ch.pipeline()
                        .addLast(OutboundBackPressure.NAME,
                            new OutboundBackPressure(connection.connectionTimeout(), connection.writeBufferMax()))
                        .addLast("flush", new FlushConsolidationHandler(64, true))
                        .addLast(TcpConnection.DECODER, new XmlStreamDecoder(limits, NS))
                        .addLast("xml-encoder", new XmlStreamEncoder(NS))
                        .addLast("stream", new StreamChannelHandler<>(c -> new TcpConnection(c, null, limits, NS, false),
                            target));
                }
            }, connection);
        log.info("component listener on {} port {} for {}", settings.bind().getHostAddress(), settings.port(),
            secrets.keySet());
    }

    /** Stops accepting and ends the component streams of this node. */
    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        registry.shutdownAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (registry.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
