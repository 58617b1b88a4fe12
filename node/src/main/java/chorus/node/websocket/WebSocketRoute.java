package chorus.node.websocket;

import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.SessionCounter;
import chorus.node.config.C2sSettings;
import chorus.node.config.HttpSettings;
import chorus.node.http.Cors;
import chorus.node.http.HttpListener;
import chorus.node.http.Reply;
import chorus.node.http.Responses;
import chorus.node.http.Route;
import chorus.node.session.SessionContext;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import chorus.node.tcp.ReadStamp;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.netty.util.AttributeKey;
import org.apache.pekko.actor.typed.ActorSystem;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * {@code /xmpp-websocket} (RFC 7395 §3.1): a WebSocket handshake asking for the {@code xmpp} subprotocol, from a page
 * of an allowed origin, becomes a client stream. The connection's pipeline then carries WebSocket frames: Netty's
 * frame codec ({@code wsdecoder}/{@code wsencoder}, messages up to the stanza limit), {@code ws-read-limit} (the
 * client read rate limit, if any), {@code ws-aggregate} (fragments to messages), {@code ws-ping},
 * {@code ws-frames} ({@link WsFrames}) and {@code ws-session} ({@link WsSessionHandler}). Every stream counts in
 * {@code chorus_sessions{transport="websocket"}}, and takes a place in the node's {@link ConnectionCaps} like a TCP
 * connection (refused handshakes get 503, or 429 when the client's address has too many).
 */
public final class WebSocketRoute implements Route {
    public static final String PATH = "/xmpp-websocket";
    static final String SUBPROTOCOL = "xmpp";
    /** The connection's place in the node's connection caps; marked authenticated at the stream's SASL success. */
    static final AttributeKey<ConnectionCaps.Ticket> TICKET = AttributeKey.valueOf("chorus-ws-ticket");

    private final ActorSystem<?> system;
    private final SessionContext sessions;
    private final SessionCounter counter;
    private final ConnectionCaps caps;
    private final HttpSettings http;
    private final C2sSettings c2s;
    private final Cors cors;
    private final StreamLimits limits;
    /** The largest message taken: a little over the stanza limit, so the parser names an oversized stanza itself. */
    private final int maxMessage;

    /** {@code counter}: this transport's own (a child of the node's). */
    public WebSocketRoute(ActorSystem<?> system, SessionContext sessions, SessionCounter counter, ConnectionCaps caps,
                          HttpSettings http, C2sSettings c2s) {
        this.system = system;
        this.sessions = sessions.withRegistry(counter);
        this.counter = counter;
        this.caps = caps;
        this.http = http;
        this.c2s = c2s;
        this.cors = new Cors(http.corsOrigins(), http.publicUrl());
        this.limits = new StreamLimits(c2s.maxStanzaSize(), c2s.maxDepth(), StreamLimits.DEFAULTS.maxHeaderBytes(),
            c2s.limits().maxAttributes(), c2s.limits().maxNamespaces());
        this.maxMessage = c2s.maxStanzaSize() + 4096;
    }

    @Override
    public boolean serves(String path) {
        return path.equals(PATH);
    }

    @Override
    public String methods() {
        return "GET";
    }

    @Override
    public Exchange open(HttpRequest request, String path, Reply reply) {
        if (!request.method().equals(HttpMethod.GET)) {
            reply.send(Responses.methodNotAllowed(methods()));
            return NO_BODY;
        }
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, ""))) {
            FullHttpResponse r = Responses.text(HttpResponseStatus.UPGRADE_REQUIRED, "a WebSocket endpoint (RFC 7395)\n");
            r.headers().set(HttpHeaderNames.UPGRADE, "websocket");
            reply.send(r);
            return NO_BODY;
        }
        if (!cors.allows(request.headers().get(HttpHeaderNames.ORIGIN))) {
            // Browsers do not apply CORS to WebSocket handshakes: the server checks the page's origin itself.
            reply.send(Responses.text(HttpResponseStatus.FORBIDDEN, "pages of this origin may not connect\n"));
            return NO_BODY;
        }
        String asked = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
        if (Arrays.stream(asked.split(",")).map(String::strip).noneMatch(SUBPROTOCOL::equals)) {
            // §3.1: without the xmpp subprotocol, this is not an XMPP stream.
            reply.send(Responses.text(HttpResponseStatus.BAD_REQUEST, "ask for the 'xmpp' subprotocol (RFC 7395)\n"));
            return NO_BODY;
        }
        FullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
            Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxMessage)
            .allowExtensions(false).closeOnProtocolViolation(false).build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
            (reply.secure() ? "wss://" : "ws://") + request.headers().get(HttpHeaderNames.HOST, "localhost") + PATH,
            SUBPROTOCOL, decoder).newHandshaker(full);
        if (handshaker == null) {
            FullHttpResponse r = Responses.text(HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket version 13 only\n");
            r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            reply.send(r);
            return NO_BODY;
        }
        Channel ch = reply.channel();
        // Behind a TLS-terminating proxy (plain HTTP) the address is the proxy's: no per-address count then.
        ConnectionCaps.Admission admission = !http.tls() ? caps.admitBehindProxy()
            : caps.admit(ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null);
        if (admission instanceof ConnectionCaps.Refusal r) {
            reply.send(Responses.text(r.condition().equals(StreamErrors.POLICY_VIOLATION)
                ? HttpResponseStatus.TOO_MANY_REQUESTS : HttpResponseStatus.SERVICE_UNAVAILABLE, r.text() + "\n"));
            return NO_BODY;
        }
        ConnectionCaps.Ticket ticket = (ConnectionCaps.Ticket) admission;
        ch.attr(TICKET).set(ticket);
        ch.closeFuture().addListener(f -> ticket.release());
        reply.upgraded();
        ChannelPipeline p = ch.pipeline();
        p.remove(HttpListener.CONTINUE);
        p.remove(HttpListener.CHUNKED);
        p.remove(HttpListener.IDLE);
        long rate = c2s.readRateLimit();
        if (rate > 0) {
            // As on TCP: a client sending faster than the limit is slowed (reading pauses), nothing is dropped.
            ChannelTrafficShapingHandler shaper = new ChannelTrafficShapingHandler(0, rate, 250);
            if (p.get(HttpListener.TLS) != null) {
                p.addAfter(HttpListener.TLS, "ws-read-limit", shaper);
            } else {
                p.addFirst("ws-read-limit", shaper);
            }
        }
        long ping = http.webSocket().pingInterval().toMillis();
        p.addLast(ReadStamp.NAME, new ReadStamp())
            .addLast("ws-aggregate", new WebSocketFrameAggregator(maxMessage))
            .addLast("ws-ping", new IdleStateHandler(ping, 0, 0, TimeUnit.MILLISECONDS))
            .addLast("ws-frames", new WsFrames(limits))
            .addLast("ws-session", new WsSessionHandler(ch, reply.secure(), system, sessions, counter, maxMessage));
        handshaker.handshake(ch, full);
        return NO_BODY;
    }
}
