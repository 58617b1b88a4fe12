package chorus.loadtest.client;

import chorus.loadtest.xml.XmlElement;
import chorus.loadtest.xml.XmlFramer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.FastThreadLocal;

import javax.xml.stream.XMLStreamException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and its stream, as its channel's last handler: TLS, SASL, resource binding
 * (RFC 6120 §5-7), or in-band registration (XEP-0077) instead of SASL, then stanzas to the listener.
 * Over WebSocket (RFC 7395) the channel below it is Netty's WebSocket client and {@link WebSocketMessages}:
 * the stream starts once the HTTP upgrade is done, opens and ends with {@code <open/>} and {@code <close/>},
 * has no STARTTLS (wss is TLS from the start), and each write is one message, so each is one element.
 * {@link #ready()} completes when the goal is reached, or fails with a {@link SetupFailure}. Its state
 * lives on the channel's event loop; {@link #send} and {@link #close} may be called from any thread.
 * The setup's steps are {@link StreamSetup}'s, the SASL exchange {@link SaslExchange}'s.
 *
 * <p>About 450 lines: the Netty events, the writes the scenarios make, the stream's end and the failure path all read
 * and change the one phase and channel of the connection; what is left here is that state machine (XEP-0198's
 * counting is {@link StreamManagement}'s).
 */
public final class XmppSession extends ChannelInboundHandlerAdapter implements XmlFramer.Events {

    /** What the connection is for. */
    public enum Purpose { LOGIN, REGISTER }

    /** TLS: the handshake, and over WebSocket the HTTP upgrade after it. */
    enum Phase { CONNECTING, TLS, FEATURES, STARTTLS, AUTH, BIND, SESSION, SM, REGISTER, READY, CLOSING, CLOSED }

    /** Bytes of direct buffers are copied here before parsing; the framer lets them go when feed returns. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[64 * 1024];
        }
    };

    private final int index;
    final Account account;
    final ClientConfig config;
    final Purpose purpose;
    final SslHandlerFactory tls;
    private volatile SessionListener listener;
    final CompletableFuture<XmppSession> ready = new CompletableFuture<>();
    private final XmlFramer framer = new XmlFramer(this);
    private final StreamSetup setup = new StreamSetup(this);
    volatile Channel channel;
    Phase phase = Phase.CONNECTING;
    boolean secured;
    boolean authenticated;
    SaslExchange sasl;
    volatile String fullJid;
    private String closeReason;
    boolean existed;
    private final long started = System.nanoTime();
    private long tcpAt;
    long tlsAt;
    private long authAt;
    long readyAt;
    /** XEP-0198, once enabled (null without). */
    private volatile StreamManagement sm;
    /** Anything a scenario wants to keep with the session. */
    public volatile Object attachment;

    /** Makes the TLS handler for a channel: client mode, SNI for the domain, no session resumption. */
    public interface SslHandlerFactory {
        SslHandler newHandler(Channel channel);
    }

    XmppSession(int index, Account account, ClientConfig config, Purpose purpose, SslHandlerFactory tls,
                SessionListener listener) {
        this.index = index;
        this.account = account;
        this.config = config;
        this.purpose = purpose;
        this.tls = tls;
        this.listener = listener;
    }

    /** The user's index in its {@link Accounts}. */
    public int index() {
        return index;
    }

    public Account account() {
        return account;
    }

    /** The bound full JID, once ready. */
    public String fullJid() {
        return fullJid;
    }

    public CompletableFuture<XmppSession> ready() {
        return ready;
    }

    /** For {@link Purpose#REGISTER}: whether the server said the account existed already. */
    public boolean existed() {
        return existed;
    }

    public boolean isOpen() {
        Channel c = channel;
        return c != null && c.isActive() && phase != Phase.CLOSED;
    }

    public boolean isWritable() {
        Channel c = channel;
        return c != null && c.isWritable();
    }

    public void listener(SessionListener l) {
        this.listener = l;
    }

    /** Where the setup time went; valid once {@link #ready()} completed. */
    public SetupTimes setupTimes() {
        long tlsEnd = tlsAt == 0 ? tcpAt : tlsAt;
        return new SetupTimes(tcpAt - started, tlsEnd - tcpAt, authAt == 0 ? 0 : authAt - tlsEnd,
            authAt == 0 ? readyAt - tlsEnd : readyAt - authAt);
    }

    /**
     * With XEP-0198 enabled: the stanzas this session sent that the server has not acknowledged, oldest first (what a
     * client sends again after logging in anew, §4). Empty without.
     */
    public java.util.List<String> unacknowledged() {
        StreamManagement m = sm;
        return m == null ? java.util.List.of() : m.unacked();
    }

    /** Writes XML text on the stream; over WebSocket a whitespace keepalive becomes a ping frame (RFC 7395 §3.7). */
    public void send(String xml) {
        Channel c = channel;
        StreamManagement m = sm;
        if (c != null && m != null && StreamManagement.isStanza(xml)) {
            m.write(c, xml, true);
        } else if (c != null && config.websocket() && xml.isBlank()) {
            c.writeAndFlush(new io.netty.handler.codec.http.websocketx.PingWebSocketFrame(), c.voidPromise());
        } else if (c != null) {
            c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), xml), c.voidPromise());
        }
    }

    /** Writes without flushing; a later {@link #flush()} or {@link #send} sends it. */
    public void write(String xml) {
        Channel c = channel;
        StreamManagement m = sm;
        if (c != null && m != null && StreamManagement.isStanza(xml)) {
            m.write(c, xml, false);
        } else if (c != null) {
            c.write(ByteBufUtil.writeUtf8(c.alloc(), xml), c.voidPromise());
        }
    }

    public void flush() {
        Channel c = channel;
        if (c != null) {
            c.flush();
        }
    }

    /**
     * Ends the stream (RFC 6120 §4.4): sends the closing tag, waits a moment for the server's, then
     * closes the connection. {@code lastWords} (e.g. unavailable presence) go out first when not null.
     */
    public CompletableFuture<Void> close(String lastWords) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Channel c = channel;
        if (c == null) {
            done.complete(null);
            return done;
        }
        c.closeFuture().addListener(f -> done.complete(null));
        c.eventLoop().execute(() -> {
            if (phase == Phase.CLOSED || phase == Phase.CLOSING) {
                return;
            }
            boolean streamOpen = phase != Phase.CONNECTING && phase != Phase.TLS;
            phase = Phase.CLOSING;
            closeReason = "closed by client";
            if (!streamOpen) {
                c.close();
                return;
            }
            if (config.websocket()) {
                if (lastWords != null) {
                    write(lastWords);
                }
                send(Stanzas.WS_CLOSE);
            } else {
                send((lastWords == null ? "" : lastWords) + Stanzas.STREAM_END);
            }
            c.eventLoop().schedule(() -> {
                c.close();
            }, 2, TimeUnit.SECONDS);
        });
        return done;
    }

    // ---- Netty ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        this.channel = ch;
        ch.eventLoop().schedule(() -> {
            if (!ready.isDone()) {
                fail("timeout:" + phase.name().toLowerCase());
            }
        }, config.setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The TCP connection did not open. */
    void connectFailed(Throwable cause) {
        phase = Phase.CLOSED;
        ready.completeExceptionally(new SetupFailure("connect:" + cause.getClass().getSimpleName()));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        tcpAt = System.nanoTime();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            setup.afterHandshake(ssl);
        } else if (config.websocket()) {
            phase = Phase.TLS; // ws:// without TLS: only the upgrade
        } else {
            openStream();
        }
        ctx.fireChannelActive();
    }

    /** Over WebSocket: the stream starts when Netty's client has the server's 101 with subprotocol {@code xmpp}. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (config.websocket() && phase == Phase.TLS) {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                tlsAt = System.nanoTime();
                secured = config.tls() != TlsMode.NONE;
                openStream();
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                fail("timeout:upgrade");
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (phase == Phase.CLOSED) {
                return;
            }
            if (buf.hasArray()) {
                framer.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
            } else {
                byte[] scratch = SCRATCH.get();
                while (buf.isReadable()) {
                    int n = Math.min(scratch.length, buf.readableBytes());
                    buf.readBytes(scratch, 0, n);
                    framer.feed(scratch, 0, n);
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            fail("xml");
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (was == Phase.CLOSED) {
            return; // fail() has told everyone
        }
        String reason = closeReason != null ? closeReason : "closed:" + was.name().toLowerCase();
        if (!ready.isDone()) {
            ready.completeExceptionally(new SetupFailure(reason));
        } else if (was != Phase.CLOSING) {
            SessionListener l = listener;
            if (l != null) {
                l.closed(this, reason);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException h) {
            // a refused upgrade: 403 (origin), 429/503 (connection caps), or no xmpp subprotocol
            fail("upgrade:" + (h.response() == null ? "refused" : h.response().status().code()));
            return;
        }
        fail(phase == Phase.TLS || phase == Phase.STARTTLS ? "tls" : "io:" + cause.getClass().getSimpleName());
    }

    void fail(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        Phase was = phase;
        phase = Phase.CLOSED;
        if (!ready.isDone()) {
            ready.completeExceptionally(new SetupFailure(reason));
        } else if (was != Phase.CLOSING && was != Phase.CLOSED) {
            SessionListener l = listener;
            if (l != null) {
                l.closed(this, reason);
            }
        }
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    // ---- the stream ----

    void openStream() {
        framer.reset();
        phase = Phase.FEATURES;
        if (config.websocket()) {
            feedParserRoot();
            send(Stanzas.wsOpen(config.domain()));
        } else {
            send(Stanzas.streamHeader(config.domain()));
        }
    }

    private void feedParserRoot() {
        byte[] root = Stanzas.WS_PARSER_ROOT.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            framer.feed(root, 0, root.length);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void streamOpened(Map<String, String> attrs) {
        // the server's header: nothing here a load generator needs
    }

    @Override
    public void streamClosed() {
        if (phase != Phase.CLOSING) {
            fail("stream-closed-by-server");
        } else if (config.websocket()) {
            // RFC 6455 §7.1.2: the closing handshake, then the connection
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    @Override
    public void element(XmlElement e) {
        if (e.ns().equals(Ns.FRAMING)) {
            // RFC 7395 §3.4, §3.6: the server's <open/> says nothing a load generator needs; <close/> ends the stream
            if (e.name().equals("close")) {
                streamClosed();
            }
            return;
        }
        if (e.is("error", Ns.STREAMS)) {
            String condition = e.children().isEmpty() ? "undefined" : e.children().get(0).name();
            fail("stream-error:" + condition);
            return;
        }
        switch (phase) {
            case FEATURES -> setup.features(e);
            case STARTTLS -> setup.proceed(e);
            case AUTH -> sasl.element(e);
            case BIND -> setup.bound(e);
            case SESSION -> setup.session(e);
            case SM -> setup.smAnswer(e);
            case REGISTER -> setup.registered(e);
            case READY -> {
                StreamManagement m = sm;
                if (m != null && e.ns().equals(StreamManagement.NS)) {
                    m.element(this, e);
                    return;
                }
                if (m != null && StreamManagement.isStanza(e)) {
                    m.handled();
                }
                SessionListener l = listener;
                if (l != null) {
                    l.stanza(this, e);
                }
            }
            default -> {
                // CLOSING: the server's last stanzas are of no interest
            }
        }
    }

    /** XEP-0198 is on (§3): from now on stanzas are counted both ways. */
    void smEnabled() {
        sm = StreamManagement.start(this, channel);
    }

    boolean isReady() {
        return phase == Phase.READY;
    }

    /** SASL succeeded: a new stream, authenticated (RFC 6120 §6.4.6). */
    void authenticated() {
        authAt = System.nanoTime();
        authenticated = true;
        sasl = null;
        openStream();
    }

    /** Whether {@code exchange} is the SASL exchange in progress (an answer computed off the loop may be late). */
    boolean authenticating(SaslExchange exchange) {
        return phase == Phase.AUTH && sasl == exchange;
    }

    java.util.concurrent.Executor eventLoop() {
        return channel.eventLoop();
    }

    /** The defined condition of a stanza error (RFC 6120 §8.3.3), or "unknown". */
    public static String errorCondition(XmlElement stanza) {
        XmlElement error = stanza.child("error", Ns.CLIENT);
        if (error != null) {
            for (XmlElement c : error.children()) {
                if (c.ns().equals(Ns.STANZAS) && !c.name().equals("text")) {
                    return c.name();
                }
            }
        }
        return "unknown";
    }

    @Override
    public String toString() {
        return "XmppSession[" + account.jid() + " " + phase + "]";
    }
}
