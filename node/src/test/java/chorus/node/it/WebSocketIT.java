package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7395 against a real node over real sockets, message by message with the JDK's WebSocket client: the framing,
 * a chat with a Smack client over TCP, XEP-0198 over WebSocket, the limits, the handshake's refusals, host-meta and
 * the sessions metric. (Smack 4.5's own WebSocket clients run the interop suite over it: scripts/interop.sh.)
 */
class WebSocketIT {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String D = TestNode.DOMAIN;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.http.cors-origins", "https://app.example"));
        for (String u : new String[] {"alice", "bob", "carol", "dave", "erin", "frank"}) {
            node.createUser(u, "pw-" + u);
        }
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aWebSocketClientLogsInAndChatsWithATcpClient() throws Exception {
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "desk");
        LinkedBlockingQueue<Message> bobGot = new LinkedBlockingQueue<>();
        bob.addAsyncStanzaListener(s -> bobGot.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        try (WsRawClient alice = WsRawClient.connect(node)) {
            assertEquals("xmpp", alice.subprotocol());
            alice.send(WsRawClient.open(D));
            String open = alice.next(WAIT);
            assertTrue(open.startsWith("<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"") && open.contains("from=\"" + D + "\"")
                && open.contains("version=\"1.0\"") && open.contains("id=\""), open);
            String features = alice.next(WAIT);
            assertTrue(features.startsWith("<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\""), features);
            assertTrue(features.contains("PLAIN") && !features.contains("starttls"), "TLS is the WebSocket's: " + features);
            alice.close();
        }
        try (WsRawClient alice = WsRawClient.connect(node).login(D, "alice", "pw-alice", "browser")) {
            alice.send("<presence xmlns='jabber:client'/>");
            bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().to(JidCreate.from("alice@" + D + "/browser"))
                .setBody("hello over TCP").build());
            String got = alice.await("hello over TCP", WAIT);
            assertTrue(got.startsWith("<message xmlns=\"jabber:client\""), "a stanza declares its namespace: " + got);
            assertTrue(got.contains("from=\"bob@" + D + "/desk\""), got);

            alice.send("<message xmlns='jabber:client' to='bob@" + D + "' type='chat' id='m1'><body>hello over "
                + "WebSocket</body></message>");
            Message m = bobGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(m != null && m.getBody().equals("hello over WebSocket"), String.valueOf(m));
            assertEquals("alice@" + D + "/browser", m.getFrom().toString(), "'from' stamped by the server");

            alice.send("<close xmlns='" + WsRawClient.FRAMING + "'/>");
            assertTrue(alice.await("<close", WAIT).contains(WsRawClient.FRAMING));
            assertEquals(1000, alice.closed.get(10, TimeUnit.SECONDS), "the WebSocket closing handshake");
        } finally {
            bob.disconnect();
        }
    }

    @Test
    void streamManagementResumesADroppedWebSocketStreamWithNothingLost() throws Exception {
        XMPPTCPConnection dave = Clients.login(node, "dave", "pw-dave", "desk");
        try {
            WsRawClient carol = WsRawClient.connect(node).login(D, "carol", "pw-carol", "tab");
            carol.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
            String enabled = carol.await("<enabled", WAIT);
            String id = enabled.replaceAll("(?s).*id=\"([^\"]+)\".*", "$1");
            carol.send("<presence xmlns='jabber:client'/>");
            carol.send("<r xmlns='urn:xmpp:sm:3'/>");
            assertTrue(carol.await("<a ", WAIT).contains("h=\"1\""), "the presence was handled");
            carol.abort();

            // While carol's network is gone, dave writes; the stream waits to be resumed.
            dave.sendStanza(dave.getStanzaFactory().buildMessageStanza().to(JidCreate.from("carol@" + D + "/tab"))
                .setBody("while you were away").build());
            Thread.sleep(500);

            try (WsRawClient again = WsRawClient.connect(node)) {
                again.send(WsRawClient.open(D));
                again.await("mechanisms", WAIT);
                again.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                    + java.util.Base64.getEncoder().encodeToString("\0carol\0pw-carol".getBytes()) + "</auth>");
                again.await("<success", WAIT);
                again.send(WsRawClient.open(D));
                again.await("urn:xmpp:sm:3", WAIT);
                again.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>");
                assertTrue(again.await("<resumed", WAIT).contains(id));
                assertTrue(again.await("while you were away", WAIT).contains("from=\"dave@" + D + "/desk\""));
            }
        } finally {
            dave.disconnect();
        }
    }

    @Test
    void oversizedOrBadlyFramedMessagesEndOnlyTheirOwnStreams() throws Exception {
        List<String> attacks = List.of(
            "<message xmlns='jabber:client' to='bob@" + D + "'><body>" + "x".repeat(300_000) + "</body></message>",
            "<message xmlns='jabber:client' to='bob@" + D + "'><body>" + "y".repeat(1_000_000) + "</body></message>",
            "<message xmlns='jabber:client' to='bob@" + D + "'><body>a</body></message><presence xmlns='jabber:client'/>",
            "<message xmlns='jabber:client' to='bob@" + D + "'><body>half",
            "<!DOCTYPE x [<!ENTITY a 'b'>]><message xmlns='jabber:client'/>");
        List<String> expected = List.of("policy-violation", "policy-violation", "not-well-formed", "not-well-formed",
            "restricted-xml");
        ExecutorService pool = Executors.newFixedThreadPool(attacks.size());
        try (WsRawClient good = WsRawClient.connect(node).login(D, "erin", "pw-erin", "calm")) {
            List<Future<String>> errors = new ArrayList<>();
            for (String attack : attacks) {
                // A resource of its own per attack (two attacks have the same length: by length, one replaced the
                // other with conflict, in CI).
                String resource = "attack" + attacks.indexOf(attack);
                errors.add(pool.submit(() -> {
                    try (WsRawClient bad = WsRawClient.connect(node).login(D, "frank", "pw-frank", resource)) {
                        try {
                            bad.send(attack);
                        } catch (ExecutionException refusedWhileSending) {
                            // the server ended the stream before the whole message was written
                        }
                        String error;
                        try {
                            error = bad.await("stream:error", WAIT);
                        } catch (AssertionError e) {
                            throw new AssertionError("attack " + attacks.indexOf(attack) + ": " + e.getMessage(), e);
                        }
                        assertTrue(bad.next(WAIT).startsWith("<close"), "the stream's end follows its error");
                        bad.closed.get(10, TimeUnit.SECONDS);
                        return error;
                    }
                }));
            }
            for (int i = 0; i < attacks.size(); i++) {
                String error = errors.get(i).get(60, TimeUnit.SECONDS);
                assertTrue(error.contains("xmlns:stream=\"http://etherx.jabber.org/streams\"") || error.contains(
                    "xmlns:stream='http://etherx.jabber.org/streams'"), error);
                assertTrue(error.contains("<" + expected.get(i)), "attack " + i + ": " + error);
            }
            good.send("<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertTrue(good.await("id=\"p1\"", WAIT).contains("type=\"result\""), "the calm client never noticed");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHandshakeWithoutTheXmppSubprotocolOrFromAForeignPageIsRefused() throws Exception {
        URI uri = URI.create("wss://127.0.0.1:" + WebClients.httpPort(node) + "/xmpp-websocket");
        ExecutionException noSubprotocol = assertThrows(ExecutionException.class, () -> WebClients.http(node)
            .newWebSocketBuilder().buildAsync(uri, new java.net.http.WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertEquals(400, ((WebSocketHandshakeException) noSubprotocol.getCause()).getResponse().statusCode());
        ExecutionException foreign = assertThrows(ExecutionException.class,
            () -> WsRawClient.connect(WebClients.http(node), uri, "https://evil.example"));
        assertInstanceOf(WebSocketHandshakeException.class, foreign.getCause());
        assertEquals(403, ((WebSocketHandshakeException) foreign.getCause()).getResponse().statusCode());
        try (WsRawClient allowed = WsRawClient.connect(WebClients.http(node), uri, "https://app.example")) {
            assertEquals("xmpp", allowed.subprotocol());
        }
        HttpResponse<String> plain = WebClients.get(node, "/xmpp-websocket");
        assertEquals(426, plain.statusCode(), "a WebSocket endpoint, not a page");
    }

    @Test
    void hostMetaAndTheSessionsMetricKnowTheWebSocketTransport() throws Exception {
        HttpResponse<String> json = WebClients.get(node, "/.well-known/host-meta.json");
        assertEquals(200, json.statusCode());
        assertTrue(json.body().contains("\"urn:xmpp:alt-connections:websocket\"") && json.body().contains(
            "/xmpp-websocket"), json.body());
        HttpResponse<String> xml = WebClients.get(node, "/.well-known/host-meta");
        assertTrue(xml.body().contains("urn:xmpp:alt-connections:xbosh") && xml.body().contains("/http-bind"), xml.body());
        double before = sessions("websocket");
        double tcp = sessions("tcp");
        try (WsRawClient alice = WsRawClient.connect(node).login(D, "alice", "pw-alice", "metric")) {
            StreamManagementIT.awaitTrue(() -> sessions("websocket") == before + 1, "the WebSocket session counted");
            assertEquals(tcp, sessions("tcp"), "and not as TCP");
            alice.send("<close xmlns='" + WsRawClient.FRAMING + "'/>");
            alice.closed.get(10, TimeUnit.SECONDS);
        }
        StreamManagementIT.awaitTrue(() -> sessions("websocket") == before, "and no more once it closed");
        assertFalse(scrape().contains("127.0.0.1"), "no address in the metrics");
        assertEquals(404, WebClients.get(node, "/status/alice.json").statusCode(), "the server offers no badges by default");
    }

    static double sessions(String transport) {
        return sessionsOf(node, transport);
    }

    /** A node's {@code chorus_sessions} of one transport, as Prometheus scrapes it. */
    static double sessionsOf(TestNode node, String transport) {
        String scrape = node.node().registry().prometheus().scrape();
        String prefix = "chorus_sessions{transport=\"" + transport + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(
            l.substring(prefix.length()))).findFirst().orElseThrow(() -> new AssertionError("no " + prefix + scrape));
    }

    static String scrape() {
        return node.node().registry().prometheus().scrape();
    }
}
