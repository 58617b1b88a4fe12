package chorus.node.c2s;

import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamHeader;
import chorus.node.tcp.ConnectionEvent;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * Pipeline stage that admits a connection into {@link ConnectionCaps} or refuses it. A refused connection
 * never reaches the stages behind this one (no parser, no session): it gets a stream header and the stream
 * error (RFC 6120 §4.9.1.1: the header first, even for an error at the very start), through TLS on the
 * direct TLS port, and is closed; what it sends is dropped unread.
 */
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    static final String NAME = "caps";

    private final ConnectionCaps caps;
    private final String domain;
    private ConnectionCaps.Ticket ticket;
    private boolean refused;

    ConnectionGate(ConnectionCaps caps, String domain) {
        this.caps = caps;
        this.domain = domain;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        java.net.InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        ConnectionCaps.Admission admission = caps.admit(address);
        if (admission instanceof ConnectionCaps.Ticket t) {
            ticket = t;
            ctx.fireChannelActive();
            return;
        }
        ConnectionCaps.Refusal r = (ConnectionCaps.Refusal) admission;
        refused = true;
        ctx.channel().write(new StreamHeader(domain, null, UUID.randomUUID().toString(), "1.0", "en", Ns.CLIENT));
        ctx.channel().writeAndFlush(new StreamError(r.condition(), r.text())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ConnectionEvent.AUTHENTICATED && ticket != null) {
            ticket.authenticated();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ticket != null) {
            ticket.release();
        }
        if (!refused) {
            ctx.fireChannelInactive();
        }
    }
}
