package chorus.node.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that sends and reads XMPP elements by hand, one message each (RFC 7395), over the JDK's
 * WebSocket: for what a client library would not send, and to watch every message the server frames.
 */
public final class WsRawClient implements AutoCloseable {
    public static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    private final WebSocket socket;
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsRawClient(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to the node's {@code /xmpp-websocket} asking for the {@code xmpp} subprotocol. */
    public static WsRawClient connect(TestNode node) throws Exception {
        return connect(WebClients.http(node), URI.create("wss://127.0.0.1:" + WebClients.httpPort(node) + "/xmpp-websocket"),
            null);
    }

    public static WsRawClient connect(HttpClient http, URI uri, String origin) throws Exception {
        WsRawClient[] self = new WsRawClient[1];
        CompletableFuture<WsRawClient> ready = new CompletableFuture<>();
        WebSocket.Builder b = http.newWebSocketBuilder().subprotocols("xmpp").connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            b.header("Origin", origin);
        }
        WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public void onOpen(WebSocket w) {
                w.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    ready.join().messages.add(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                ready.join().closed.complete(status);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                ready.join().closed.complete(-1);
            }
        }).get(20, TimeUnit.SECONDS);
        self[0] = new WsRawClient(ws);
        ready.complete(self[0]);
        return self[0];
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public WsRawClient send(String xml) throws Exception {
        socket.sendText(xml, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** The next message, waiting up to {@code timeout}; fails when none came. */
    public String next(Duration timeout) throws InterruptedException {
        String m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no WebSocket message within " + timeout);
        }
        return m;
    }

    /** Messages until one contains {@code marker}; returns that one. */
    public String await(String marker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder seen = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            String m = left > 0 ? messages.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                throw new AssertionError("no message with " + marker + " within " + timeout + "; saw: " + seen);
            }
            if (m.contains(marker)) {
                return m;
            }
            seen.append(m).append('\n');
        }
    }

    public static String open(String domain) {
        return "<open xmlns='" + FRAMING + "' to='" + domain + "' version='1.0'/>";
    }

    /** Opens the stream, logs in with PLAIN (the connection is TLS) and binds {@code resource}. */
    public WsRawClient login(String domain, String user, String password, String resource) throws Exception {
        Duration t = Duration.ofSeconds(15);
        send(open(domain));
        await("<open", t);
        await("mechanisms", t);
        String creds = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
        await("<success", t);
        send(open(domain));
        await("<open", t);
        await("urn:ietf:params:xml:ns:xmpp-bind", t);
        send("<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
            + resource + "</resource></bind></iq>");
        await("</jid>", t);
        return this;
    }

    /** Drops the connection without closing the stream or the WebSocket (a client that lost its network). */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
