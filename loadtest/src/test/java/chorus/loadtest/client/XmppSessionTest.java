package chorus.loadtest.client;

import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;
import chorus.loadtest.xml.XmlElement;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's negotiation against a scripted server, byte for byte, on an in-memory channel. */
class XmppSessionTest {
    static final String SERVER_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        + "xmlns:stream='http://etherx.jabber.org/streams' id='x' from='example.org' version='1.0'>";
    static final String PLAIN_FEATURES = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
        + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";

    final List<XmlElement> heard = new ArrayList<>();
    final List<String> closed = new ArrayList<>();
    EmbeddedChannel channel;

    XmppSession start(TlsMode tls, Mechanism mechanism, XmppSession.SslHandlerFactory ssl) {
        return start(new ClientConfig("example.org", tls, mechanism, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30)), ssl);
    }

    XmppSession start(ClientConfig config, XmppSession.SslHandlerFactory ssl) {
        XmppSession s = new XmppSession(7, new Account("juliet", "example.org", "r0m30"), config,
            XmppSession.Purpose.LOGIN, ssl, new SessionListener() {
                @Override
                public void stanza(XmppSession session, XmlElement stanza) {
                    heard.add(stanza);
                }

                @Override
                public void closed(XmppSession session, String reason) {
                    closed.add(reason);
                }
            });
        channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(s);
        try {
            channel.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return s;
    }

    String written() {
        StringBuilder b = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            b.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return b.toString();
    }

    /** Each write on its own, as each becomes one WebSocket message. */
    List<String> messages() {
        List<String> out = new ArrayList<>();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    void server(String xml) {
        channel.writeInbound(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainLoginBindsAResourceAndOpensTheLegacySessionWhenItIsNotOptional() {
        XmppSession s = start(TlsMode.NONE, Mechanism.PLAIN, null);
        assertTrue(written().contains("to='example.org'"));
        server(SERVER_HEADER + PLAIN_FEATURES);
        assertEquals("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + b64("\0juliet\0r0m30") + "</auth>",
            written());
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        assertTrue(written().startsWith("<?xml version='1.0'?><stream:stream"), "a new stream after SASL success");
        server(SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
            + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>");
        String bind = written();
        assertTrue(bind.startsWith("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>lt"), bind);
        server("<iq type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>juliet@example.org/lt1</jid></bind></iq>");
        assertEquals("<iq type='set' id='sess1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>", written());
        assertTrue(!s.ready().isDone());
        server("<iq type='result' id='sess1'/>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
        assertEquals("juliet@example.org/lt1", s.fullJid());
        SetupTimes t = s.setupTimes();
        assertTrue(t.tcp() >= 0 && t.tls() == 0 && t.auth() >= 0 && t.bind() >= 0);
        server("<message from='romeo@example.org/x' type='chat'><body>hi</body></message>");
        assertEquals(1, heard.size());
        assertEquals("hi", heard.get(0).childText("body"));
    }

    @Test
    void anOptionalSessionIsSkipped() {
        XmppSession s = start(TlsMode.NONE, Mechanism.PLAIN, null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        server(SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
            + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>");
        server("<iq type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>juliet@example.org/lt1</jid></bind></iq>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
    }

    @Test
    void aSaslFailureFailsTheLoginWithItsCondition() {
        XmppSession s = start(TlsMode.NONE, Mechanism.PLAIN, null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        server("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        assertEquals("sasl:not-authorized", reason(s));
        assertTrue(!channel.isOpen());
    }

    @Test
    void aMechanismTheServerDoesNotOfferIsNotTried() {
        XmppSession s = start(TlsMode.NONE, Mechanism.SCRAM_SHA_256, null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        assertEquals("mechanism-not-offered:SCRAM-SHA-256", reason(s));
    }

    @Test
    void aStreamErrorNamesItsCondition() {
        XmppSession s = start(TlsMode.NONE, Mechanism.PLAIN, null);
        server(SERVER_HEADER + "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertEquals("stream-error:host-unknown", reason(s));
    }

    @Test
    void withStartTlsTheClientAsksForTlsAndPutsTheHandlerFirstOnProceed() throws Exception {
        var ctx = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        XmppSession s = start(TlsMode.STARTTLS, Mechanism.SCRAM_SHA_1, ch -> ctx.newHandler(ch.alloc()));
        written();
        server(SERVER_HEADER + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
            + "</stream:features>");
        assertEquals("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", written());
        server("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assertInstanceOf(SslHandler.class, channel.pipeline().first());
        assertTrue(!s.ready().isDone());
    }

    @Test
    void aServerWithoutStartTlsIsRefusedWhenTlsIsWanted() {
        XmppSession s = start(TlsMode.STARTTLS, Mechanism.PLAIN, null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        assertEquals("no-starttls", reason(s));
    }

    @Test
    void theServerClosingABoundStreamIsReportedToTheListener() {
        XmppSession s = start(TlsMode.NONE, Mechanism.PLAIN, null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        server(SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        server("<iq type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>j@example.org/r</jid></bind></iq>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
        server("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertEquals(List.of("stream-error:conflict"), closed);
    }

    static final String SM_BIND_FEATURES = SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
        + "<sm xmlns='urn:xmpp:sm:3'/></stream:features>";

    XmppSession boundWithStreamManagement() {
        XmppSession s = start(new ClientConfig("example.org", TlsMode.NONE, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30), Transport.TCP, "/xmpp-websocket", true), null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        server(SM_BIND_FEATURES);
        server("<iq type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>j@example.org/r</jid></bind></iq>");
        return s;
    }

    @Test
    void withStreamManagementTheSessionIsReadyOnlyOnceTheServerEnabledIt() {
        XmppSession s = boundWithStreamManagement();
        assertTrue(written().endsWith("<enable xmlns='urn:xmpp:sm:3'/>"));
        assertTrue(!s.ready().isDone(), "not ready before <enabled/>");
        server("<enabled xmlns='urn:xmpp:sm:3'/>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
    }

    @Test
    void streamManagementCountsWhatArrivesAndKeepsWhatWasSentUntilTheServerAcknowledgesIt() {
        XmppSession s = boundWithStreamManagement();
        server("<enabled xmlns='urn:xmpp:sm:3'/>");
        written();
        for (int i = 1; i <= 3; i++) {
            s.send(Stanzas.chat("romeo@example.org", "m" + i, "hello " + i));
        }
        channel.runPendingTasks();
        assertEquals(3, written().split("<message").length - 1);
        server("<message from='romeo@example.org/x' type='chat'><body>hi</body></message><presence from='romeo@example.org/x'/>");
        assertEquals(2, heard.size(), "stanzas still reach the listener");
        server("<r xmlns='urn:xmpp:sm:3'/>");
        channel.runPendingTasks();
        assertEquals("<a xmlns='urn:xmpp:sm:3' h='2'/>", written());
        assertEquals(3, s.unacknowledged().size());
        server("<a xmlns='urn:xmpp:sm:3' h='2'/>");
        assertEquals(List.of(Stanzas.chat("romeo@example.org", "m3", "hello 3")), s.unacknowledged());
        assertEquals(0, heard.stream().filter(e -> e.ns().equals("urn:xmpp:sm:3")).count(), "<r/> and <a/> are not stanzas");
        channel.advanceTimeBy(StreamManagement.REQUEST_EVERY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        assertEquals("<r xmlns='urn:xmpp:sm:3'/>", written(), "asks for an acknowledgement while one waits");
        server("<a xmlns='urn:xmpp:sm:3' h='3'/>");
        assertEquals(List.of(), s.unacknowledged());
        channel.advanceTimeBy(StreamManagement.REQUEST_EVERY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals("", written(), "nothing waits: no request");
    }

    @Test
    void anAcknowledgementOfMoreThanWasSentEndsTheSession() {
        XmppSession s = boundWithStreamManagement();
        server("<enabled xmlns='urn:xmpp:sm:3'/>");
        s.send(Stanzas.chat("romeo@example.org", "m1", "x"));
        channel.runPendingTasks();
        server("<a xmlns='urn:xmpp:sm:3' h='2'/>");
        assertEquals(List.of("sm-bad-ack"), closed);
    }

    @Test
    void streamManagementWantedButNotOfferedFailsTheLogin() {
        XmppSession s = start(new ClientConfig("example.org", TlsMode.NONE, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30), Transport.TCP, "/xmpp-websocket", true), null);
        server(SERVER_HEADER + PLAIN_FEATURES);
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        server(SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        server("<iq type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>j@example.org/r</jid></bind></iq>");
        assertEquals("sm-not-offered", reason(s));
    }

    static String reason(XmppSession s) {
        CompletionException e = assertThrows(CompletionException.class, () -> s.ready().join());
        return assertInstanceOf(SetupFailure.class, e.getCause()).reason();
    }

    static final String WS_OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' id='x' from='example.org' version='1.0'/>";

    @Test
    void overWebSocketTheStreamWaitsForTheUpgradeThenOpensClosesAndSendsOneElementPerMessage() {
        XmppSession s = start(new ClientConfig("example.org", TlsMode.NONE, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30), Transport.WEBSOCKET, "/xmpp-websocket"), null);
        assertEquals(List.of(), messages(), "nothing before the HTTP upgrade is done");
        channel.pipeline().fireUserEventTriggered(
            io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertEquals(List.of("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0' xml:lang='en'/>"),
            messages());
        // RFC 7395 §3.3.3: each message a whole element with its own namespace declarations
        server(WS_OPEN);
        server("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
            + "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        assertEquals(List.of("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + b64("\0juliet\0r0m30")
            + "</auth>"), messages(), "no STARTTLS over WebSocket");
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        assertEquals(1, messages().size(), "a new <open/> after SASL success (RFC 7395 §3.5)");
        server(WS_OPEN);
        server("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        assertTrue(messages().get(0).startsWith("<iq type='set' id='bind1'>"));
        server("<iq xmlns='jabber:client' type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>juliet@example.org/lt1</jid></bind></iq>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
        assertEquals("juliet@example.org/lt1", s.fullJid());
        server("<message xmlns='jabber:client' from='romeo@example.org/x' type='chat'><body>hi</body></message>");
        assertEquals("hi", heard.get(0).childText("body"));

        s.close("<presence type='unavailable'/>");
        channel.runPendingTasks();
        assertEquals(List.of("<presence type='unavailable'/>", "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"),
            messages(), "last words and <close/> as two messages");
        server("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertTrue(channel.readOutbound() instanceof io.netty.handler.codec.http.websocketx.CloseWebSocketFrame,
            "the server's <close/> answered with the WebSocket closing handshake");
        assertEquals(List.of(), closed, "a stream the client closed is not reported as lost");
    }

    @Test
    void overWebSocketTheServersCloseEndsABoundStream() {
        XmppSession s = start(new ClientConfig("example.org", TlsMode.NONE, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30), Transport.WEBSOCKET, "/xmpp-websocket"), null);
        channel.pipeline().fireUserEventTriggered(
            io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        server(WS_OPEN + "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms "
            + "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        server(WS_OPEN + "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        server("<iq xmlns='jabber:client' type='result' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>juliet@example.org/lt1</jid></bind></iq>");
        assertTrue(s.ready().isDone() && !s.ready().isCompletedExceptionally());
        server("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assertEquals(List.of("stream-closed-by-server"), closed);
    }

    @Test
    void overWebSocketStartTlsBecomesTlsFromTheStart() {
        ClientConfig c = new ClientConfig("example.org", TlsMode.STARTTLS, Mechanism.PLAIN, SaltedPasswordCache.disabled(),
            Duration.ofSeconds(30), Transport.WEBSOCKET, "/xmpp-websocket");
        assertEquals(TlsMode.DIRECT, c.tls());
    }
}
