package chorus.node.websocket;

import chorus.actors.session.SessionInput;
import chorus.node.c2s.SessionCounter;
import chorus.node.session.SessionContext;
import chorus.node.session.StreamSession;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/** The last stage of a WebSocket: stream events to the stream's session actor; holds no XMPP logic. */
final class WsSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(WsSessionHandler.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final WsConnection connection;
    private final ActorRef<SessionInput> session;
    private final int maxMessage;

    WsSessionHandler(Channel channel, boolean secure, ActorSystem<?> system, SessionContext sessions,
                     SessionCounter counter, int maxMessage) {
        this.connection = new WsConnection(channel, secure);
        this.maxMessage = maxMessage;
        this.session = system.systemActorOf(StreamSession.create(connection, sessions), "ws-" + IDS.incrementAndGet(),
            Props.empty());
        counter.register(session);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StreamEvent ev) {
            connection.dispatched();
            session.tell(new StreamSession.Inbound(ev));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The session stays registered until it stops: it may live on to resend what its client sent.
        session.tell(StreamSession.TransportClosed.INSTANCE);
        ctx.fireChannelInactive();
    }

    /**
     * A message over the limit (the frame decoder stops it before holding it) is the stream's policy violation, as an
     * oversized stanza is on TCP; any other failure closes quietly. The log names the failure, never the peer.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            connection.dispatched();
            session.tell(new StreamSession.Inbound(new StreamEvent.StreamFailed(StreamErrors.POLICY_VIOLATION,
                cause instanceof TooLongFrameException ? "a WebSocket message over " + maxMessage + " bytes"
                    : "a broken WebSocket frame")));
            return;
        }
        log.debug("WebSocket connection failed: {}", cause.getClass().getSimpleName());
        ctx.close();
    }
}
