package chorus.node.tcp;

import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;

import java.nio.charset.StandardCharsets;

/**
 * Sits in front of the TLS handler after {@code <proceed/>} until the client's first bytes arrive. A TLS
 * record lets it step aside; anything else means the client went on in the clear (RFC 6120 §5.4.3.3),
 * and since the stream is still the plaintext one, its stream error goes out in the clear, below TLS.
 */
final class PlaintextGuard extends ChannelInboundHandlerAdapter {
    static final String NAME = "plaintext-guard";

    /** The stream error and the stream's end, as the encoder writes them (it sits above TLS, out of reach). */
    static final String ERROR;

    static {
        StringBuilder sb = new StringBuilder();
        new StreamError(StreamErrors.POLICY_VIOLATION, "data after <starttls/> before TLS").writeTo(sb);
        ERROR = sb.toString();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || in.readableBytes() < 5) {
            // Too short to tell (a TLS record header is five bytes): TLS decides, as it would anyway.
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        if (SslHandler.isEncrypted(in)) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        in.release();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.copiedBuffer(ERROR, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }
}
