package chorus.node.c2s;

import chorus.actors.session.SessionInput;
import chorus.node.session.StreamSession;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamLimits;
import chorus.node.tcp.TcpConnection;
import chorus.actors.xmpp.Ns;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/** Turns stream events into messages to the connection's session actor; holds no XMPP logic. */
final class C2sChannelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(C2sChannelHandler.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final C2sContext node;
    private final ActorSystem<?> system;
    private ActorRef<SessionInput> session;
    private TcpConnection connection;

    private final StreamLimits limits;
    private final boolean onion;

    C2sChannelHandler(C2sContext node, ActorSystem<?> system, StreamLimits limits, boolean onion) {
        this.node = node;
        this.system = system;
        this.limits = limits;
        this.onion = onion;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = new TcpConnection(ctx.channel(), ch -> node.tls().newHandler(ch.alloc(), true), limits, Ns.CLIENT, onion);
        session = system.systemActorOf(StreamSession.create(connection, node.sessions()),
            "c2s-" + IDS.incrementAndGet(), Props.empty());
        node.counter().register(session);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StreamEvent ev && session != null) {
            connection.dispatched();
            session.tell(new StreamSession.Inbound(ev));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            // The session stays registered until it stops: it may live on to resend what its client sent.
            session.tell(StreamSession.TransportClosed.INSTANCE);
        }
        ctx.fireChannelInactive();
    }

    /** A broken connection or a TLS failure: closed quietly. The log names the failure, never the peer. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        chorus.node.FatalErrors.haltIfFatal(cause); // out of memory in a Netty thread ends the node (issue 14)
        log.debug("client connection failed: {}", cause.getClass().getSimpleName());
        ctx.close();
    }

}
