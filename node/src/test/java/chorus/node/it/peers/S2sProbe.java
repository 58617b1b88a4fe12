package chorus.node.it.peers;

import chorus.node.tls.S2sTlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The first steps of an outgoing s2s stream, typed by hand over a real connection: stream header,
 * STARTTLS with Chorus's {@link S2sTlsContexts}, the stream again, and what the peer offers then. Not
 * the s2s stream of the server (that comes with the redesigned stream core): a probe that shows what
 * real peers make of Chorus's TLS and certificates.
 */
public final class S2sProbe implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final StringBuffer received = new StringBuffer();
    private final Channel channel;
    private final String from;
    private final String to;
    private int readUpTo;
    private SslHandler tls;

    private S2sProbe(InetSocketAddress address, InetSocketAddress local, String from, String to)
            throws InterruptedException {
        this.from = from;
        this.to = to;
        this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("text", new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                received.append(msg.toString(StandardCharsets.UTF_8));
                            }
                        });
                    }
                }).connect(address, local).sync().channel();
    }

    public static S2sProbe connect(InetSocketAddress address, String from, String to) throws InterruptedException {
        return new S2sProbe(address, null, from, to);
    }

    /** As {@link #connect(InetSocketAddress, String, String)}, from this local address (a loopback one). */
    public static S2sProbe connectFrom(String localIp, InetSocketAddress address, String from, String to)
            throws InterruptedException {
        return new S2sProbe(address, new InetSocketAddress(localIp, 0), from, to);
    }

    /** Opens the stream (RFC 6120 §4.7) and returns the stream features the peer sends. */
    public String openStream() throws Exception {
        return openStream("</stream:features>");
    }

    /** Opens the stream and waits for {@code marker} (features may be empty: {@code <stream:features/>}). */
    public String openStream(String marker) throws Exception {
        send(header());
        return await(marker);
    }

    /**
     * Sends the stream header without waiting for an answer, and without failing when the peer already closed the
     * connection: a server that refuses a stream at accept (a limit) may write its error and close before the header
     * arrives. What it sent is read with {@link #awaitAny}.
     */
    public void offerStream() {
        ChannelFuture written = channel.writeAndFlush(Unpooled.copiedBuffer(header(), StandardCharsets.UTF_8))
            .awaitUninterruptibly();
        if (!written.isSuccess() && channel.isActive()) {
            throw new IllegalStateException("the stream header was not written", written.cause());
        }
    }

    private String header() {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'"
            + " xmlns:db='jabber:server:dialback' from='" + from + "' to='" + to + "' version='1.0'>";
    }

    /** {@code <starttls/>}, {@code <proceed/>}, then the TLS handshake with {@code contexts}' client side. */
    public void startTls(S2sTlsContexts contexts) throws Exception {
        send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await("<proceed");
        tls = contexts.newClientHandler(channel.alloc(), to, 5269, false);
        channel.pipeline().addFirst("tls", tls);
        if (!tls.handshakeFuture().await(10_000) || !tls.handshakeFuture().isSuccess()) {
            throw new IllegalStateException("TLS handshake with " + to + " failed", tls.handshakeFuture().cause());
        }
    }

    List<X509Certificate> peerChain() {
        return S2sTlsContexts.peerChain(tls);
    }

    String protocol() {
        return tls.engine().getSession().getProtocol() + " " + tls.engine().getSession().getCipherSuite();
    }

    /** XEP-0178 §2: SASL EXTERNAL with our domain as authorization identity; returns the peer's answer. */
    public String authenticateExternal() throws Exception {
        String authzid = java.util.Base64.getEncoder().encodeToString(from.getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>" + authzid + "</auth>");
        String answer = awaitAny("<success", "<failure");
        return answer;
    }

    public void send(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).syncUninterruptibly();
    }

    /** Waits until the peer has sent {@code marker} after what earlier calls read; returns that new text. */
    public String await(String marker) throws Exception {
        return awaitAny(marker);
    }

    /** Whether the peer still holds the connection open. */
    public boolean open() {
        return channel.isActive();
    }

    /** Waits until the peer closed the connection; what it sent last is in the failure message otherwise. */
    public void awaitClosed() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (channel.isActive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (channel.isActive()) {
            throw new IllegalStateException("the peer kept the connection open; it sent: " + received);
        }
    }

    /** Waits until the peer has sent the first of {@code markers} (in this order of preference); returns that new text. */
    public String awaitAny(String... markers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            String fresh = received.substring(readUpTo);
            for (String m : markers) {
                int at = fresh.indexOf(m);
                if (at >= 0) {
                    int end = fresh.indexOf('>', at + m.length());
                    end = end < 0 ? fresh.length() : end + 1;
                    int closing = fresh.indexOf("</" + m.substring(1).split("[ >]")[0] + ">", end);
                    end = closing >= 0 ? fresh.indexOf('>', closing) + 1 : end;
                    readUpTo += end;
                    return fresh.substring(0, end);
                }
            }
            if (!channel.isActive()) {
                throw new IllegalStateException("the peer closed the stream; it sent: " + received);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no " + String.join(" or ", markers) + " from " + to + " within 15 s; it sent: " + received);
    }

    /** Everything the peer sent so far. */
    public String received() {
        return received.toString();
    }

    @Override
    public void close() {
        try {
            if (channel.isActive()) {
                send("</stream:stream>");
            }
            channel.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
