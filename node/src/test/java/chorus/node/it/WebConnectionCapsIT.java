package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection caps of issue 14 hold for web clients too: a WebSocket and a BOSH session each take a place like a
 * TCP connection, among all of them, those not yet authenticated and those from one address, and a place is given
 * back when the WebSocket closes or the BOSH session ends. Past a cap a WebSocket handshake gets 503 (429 for the
 * address cap), a BOSH session's creation the stream error a TCP client gets, as a remote-stream-error.
 */
class WebConnectionCapsIT {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String D = TestNode.DOMAIN;
    static TestNode node;
    static HttpClient http;
    static URI ws;
    static URI bosh;
    final List<WsRawClient> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // HTTPS: the address cap counts web clients only where their address is theirs (not behind a proxy).
        node = TestNode.start(Map.of("chorus.c2s.max-unauthenticated", "3", "chorus.c2s.max-per-address", "5"));
        for (int i = 1; i <= 6; i++) {
            node.createUser("u" + i, "pw");
        }
        http = WebClients.http(node);
        ws = URI.create("wss://127.0.0.1:" + WebClients.httpPort(node) + "/xmpp-websocket");
        bosh = URI.create("https://127.0.0.1:" + WebClients.httpPort(node) + "/http-bind");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    WsRawClient webSocket() throws Exception {
        WsRawClient c = WsRawClient.connect(http, ws, null);
        opened.add(c);
        return c;
    }

    /** A WebSocket whose stream is open and waits for SASL: a connection not yet authenticated. */
    WsRawClient unauthenticated() throws Exception {
        WsRawClient c = webSocket();
        c.send(WsRawClient.open(D));
        c.await("mechanisms", WAIT);
        return c;
    }

    static int refusedHandshake() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> http.newWebSocketBuilder().subprotocols("xmpp").buildAsync(ws, new java.net.http.WebSocket.Listener() {
            }).get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof WebSocketHandshakeException, String.valueOf(e.getCause()));
        return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }

    static void assertBoshRefused(String condition) throws Exception {
        BoshRawClient c = new BoshRawClient(http, bosh);
        String r = c.post(c.body(c.rid, "to='" + D + "' wait='5' hold='1' ver='1.11' xmpp:version='1.0' "
            + "xmlns:xmpp='urn:xmpp:xbosh'", ""));
        assertTrue(r.contains("type='terminate'") && r.contains("condition='remote-stream-error'")
            && r.contains("<" + condition + " "), r);
    }

    static void assertTcpRefused(String condition) throws Exception {
        try (RawClient tcp = RawClient.connectFrom("127.0.0.1", node.c2sPort())) {
            String got = tcp.await("</stream:error>", WAIT);
            assertTrue(got.contains("<" + condition + " "), got);
        }
    }

    @Test
    void webSocketsAndBoshSessionsCountAgainstTheSameCapsAsTcpConnections() throws Exception {
        try {
            // Three WebSockets at once, none authenticated: the cap on those is full for every transport.
            List<CompletableFuture<WsRawClient>> at = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                at.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return unauthenticated();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<WsRawClient> f : at) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(503, refusedHandshake());
            assertBoshRefused("resource-constraint");
            assertTcpRefused("resource-constraint");

            // One leaves: its place is free again, and a BOSH client takes it and logs in.
            opened.remove(0).close();
            BoshRawClient[] b = new BoshRawClient[1];
            eventually(() -> b[0] = new BoshRawClient(http, bosh).login(D, "u1", "pw", "b"),
                "a place is free once the WebSocket closed");
            BoshRawClient b1 = b[0];
            // Logged in, it no longer counts as unauthenticated: a WebSocket gets the place.
            unauthenticated();

            // The address cap (5): the BOSH session, three logged-in WebSockets and one that is not.
            opened.forEach(WsRawClient::close);
            opened.clear();
            eventually(() -> webSocket().login(D, "u2", "pw", "w"), "the unauthenticated WebSockets closed");
            webSocket().login(D, "u3", "pw", "w");
            webSocket().login(D, "u4", "pw", "w");
            unauthenticated();
            assertEquals(429, refusedHandshake());
            assertBoshRefused("policy-violation");
            assertTcpRefused("policy-violation");

            // The BOSH session ends: its place is given back.
            assertTrue(b1.request("type='terminate'", "").contains("type='terminate'"));
            eventually(() -> webSocket().login(D, "u5", "pw", "w"), "a place is free once the BOSH session ended");
            assertEquals(429, refusedHandshake());
        } finally {
            opened.forEach(WsRawClient::close);
        }
        // Everything closed: every place is free.
        opened.clear();
        try {
            for (int i = 0; i < 5; i++) {
                String user = "u" + (i + 1);
                eventually(() -> webSocket().login(D, user, "pw", "again"), "the places are given back");
            }
        } finally {
            opened.forEach(WsRawClient::close);
        }
    }

    interface Attempt {
        Object run() throws Exception;
    }

    /** Tries until it works: the node sees a close a moment after the client made it. */
    static void eventually(Attempt attempt, String what) throws Exception {
        Throwable[] last = new Throwable[1];
        try {
            MessagingIT.awaitTrue(() -> {
                try {
                    attempt.run();
                    return true;
                } catch (Exception | AssertionError e) {
                    if (last[0] == null) {
                        last[0] = e;
                    }
                    return false;
                }
            }, what);
        } catch (AssertionError e) {
            e.addSuppressed(last[0]);
            throw e;
        }
    }
}
