package chorus.node.tcp;

import chorus.node.stream.StreamEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The last stage of a stream's pipeline: turns stream events into messages to the stream's actor (started when the
 * connection opens, or given); holds no XMPP logic and logs no peer.
 *
 * @param <T> the actor's message type
 */
public final class StreamChannelHandler<T> extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StreamChannelHandler.class);

    /** What the handler needs of the stream's actor. */
    public interface Target<T> {
        /** The connection opened: the actor of its stream (null: refused, the connection is closed). */
        ActorRef<T> start(TcpConnection connection);

        /** The message for an event the peer's side of the stream produced. */
        T inbound(StreamEvent event);

        /** The message that says the connection is gone. */
        T closed();
    }

    private final Function<io.netty.channel.Channel, TcpConnection> transport;
    private final Target<T> target;
    private TcpConnection connection;
    private ActorRef<T> actor;

    public StreamChannelHandler(Function<io.netty.channel.Channel, TcpConnection> transport, Target<T> target) {
        this.transport = transport;
        this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = transport.apply(ctx.channel());
        actor = target.start(connection);
        if (actor == null) {
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof StreamEvent ev && actor != null) {
            connection.dispatched();
            actor.tell(target.inbound(ev));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (actor != null) {
            actor.tell(target.closed());
        }
        ctx.fireChannelInactive();
    }

    /** A broken connection or a TLS failure: closed quietly. The log names the failure, never the peer. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        chorus.node.FatalErrors.haltIfFatal(cause); // out of memory in a Netty thread ends the node (issue 14)
        log.debug("stream connection failed: {}", cause.getClass().getSimpleName());
        ctx.close();
    }
}
