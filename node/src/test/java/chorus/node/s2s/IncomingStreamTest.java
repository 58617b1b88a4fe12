package chorus.node.s2s;

import chorus.actors.feature.Features;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.node.config.S2sSettings;
import chorus.node.config.Settings;
import chorus.node.session.RecordingTransport;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import chorus.node.stream.StreamLimits;
import chorus.node.tls.SelfSignedCertificate;
import chorus.node.tls.TestCa;
import chorus.node.tls.TrustAnchors;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An incoming server-to-server stream without a socket: TLS first, SASL EXTERNAL only for a certificate valid for the
 * peer's domain, dialback answers from the cluster secret, and the checks on every stanza's addresses (RFC 6120 §8.1,
 * §13.6).
 */
class IncomingStreamTest {
    /** A local actor system: no cluster port to collide with other test JVMs. */
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
        "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final TestCa CA = TestCa.create("incoming stream test CA");
    static final String PEER = "peer.example";
    static final String US = "chorus.example";

    final List<Stanza> delivered = new CopyOnWriteArrayList<>();
    final Router router = new Router(new DomainJid(US), new Router.Accounts() {
        @Override
        public void deliver(BareJid account, Stanza stanza) {
            delivered.add(stanza);
        }

        @Override
        public void deliverAcknowledged(BareJid account, Stanza m, ActorRef<SessionMessage> ackTo, long seq) {
        }

        @Override
        public void fromOwnSession(BareJid account, Stanza stanza) {
        }

        @Override
        public void sent(BareJid account, Message m) {
        }
    }, null, new Features(List.of(new PingHandler())), m -> false, Clock.systemUTC(), (s, c) -> { });
    final DialbackKeys keys = DialbackKeys.fromSecret("test secret".getBytes(StandardCharsets.UTF_8));

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    S2sContext context(Map<String, Object> settings) {
        Map<String, Object> v = new HashMap<>(Map.of("chorus.domain", US, "chorus.data-dir", "/tmp/unused"));
        v.putAll(settings);
        S2sSettings s2s = Settings.from(ConfigFactory.parseMap(v).withFallback(ConfigFactory.load()).resolve()).s2s();
        return new S2sContext(s2s, StreamLimits.DEFAULTS, router, null, null,
            new PeerCertificates(TrustAnchors.of(List.of(CA.certificate())), Clock.systemUTC()), keys, null,
            new S2sStreams(10, 10), null, null, Clock.systemUTC());
    }

    /** A secured stream whose peer presented a certificate valid for {@link #PEER}. */
    ActorRef<IncomingStream.Input> secured(RecordingTransport t, S2sContext node) {
        t.peerCertificates = CA.issue(TestCa.Names.dns(PEER)).chain();
        return testKit.spawn(IncomingStream.create(t, node));
    }

    static IncomingStream.Inbound header(String from, String to) {
        Map<String, String> a = new HashMap<>(Map.of("version", "1.0", "xmlns", Ns.SERVER, "xmlns:db", S2sElements.DIALBACK));
        if (from != null) {
            a.put("from", from);
        }
        a.put("to", to);
        return new IncomingStream.Inbound(new StreamEvent.StreamOpen(a));
    }

    static IncomingStream.Inbound element(Element e) {
        return new IncomingStream.Inbound(new StreamEvent.StanzaReceived(e));
    }

    static Element message(String from, String to) {
        return Element.build("message", Ns.SERVER).attr("from", from).attr("to", to).attr("type", "chat")
            .child(Element.build("body", Ns.SERVER).text("hi").get()).get();
    }

    static Element external(String authzid) {
        return Element.build("auth", Ns.SASL).attr("mechanism", "EXTERNAL")
            .text(authzid == null ? "=" : Base64.getEncoder().encodeToString(authzid.getBytes(StandardCharsets.UTF_8)))
            .get();
    }

    /** Opens the stream and authenticates {@link #PEER} with its certificate (XEP-0178). */
    ActorRef<IncomingStream.Input> authenticated(RecordingTransport t, S2sContext node) throws InterruptedException {
        ActorRef<IncomingStream.Input> in = secured(t, node);
        in.tell(header(PEER, US));
        assertEquals(US, t.next(StreamHeader.class).from());
        Element features = t.next(Element.class);
        assertTrue(features.child("mechanisms", Ns.SASL).isPresent(), "EXTERNAL is offered: " + features);
        in.tell(element(external(PEER)));
        assertTrue(t.next(Element.class).is("success", Ns.SASL));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        t.next(Element.class);
        return in;
    }

    @Test
    void aPeerThatDoesNotStartTlsIsRefusedWithPolicyViolation() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(false, true);
        ActorRef<IncomingStream.Input> in = testKit.spawn(IncomingStream.create(t, context(Map.of())));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        assertTrue(t.next(Element.class).child("starttls", Ns.TLS).flatMap(s -> s.child("required", Ns.TLS)).isPresent());
        in.tell(element(S2sElements.result(PEER, US, "key")));
        assertEquals("policy-violation", t.next(StreamError.class).condition());
    }

    /**
     * A flooding peer's connection is not read while it is in debt, and one read can bring a debt far longer than the
     * abuse time (here 100 stanzas at 10 a second, burst 2: 9.8 s of debt, abusive after 2 s): its stream ends with
     * policy-violation when it has been behind for the abuse time, not at the first stanza read after the debt.
     */
    @Test
    void aPeerWhoseOneReadBringsALongDebtEndsWithPolicyViolationAtTheAbuseTimeNotWhenTheDebtIsPaid()
            throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of("chorus.s2s.rate.stanzas-per-second", 10,
            "chorus.s2s.rate.stanza-burst", 2, "chorus.s2s.rate.bytes-per-second", 0)));
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            in.tell(element(message("romeo@" + PEER + "/a", "juliet@" + US)));
        }
        Object o = t.sent.poll(6, java.util.concurrent.TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(o instanceof StreamError e && e.condition().equals("policy-violation"),
            "after " + millis + " ms: " + o);
        assertTrue(millis >= 1900, "abusive only after two seconds behind: " + millis + " ms");
    }

    @Test
    void aCertifiedPeerAuthenticatesWithExternalAndItsStanzasReachTheRouter() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of()));
        in.tell(element(message("romeo@" + PEER + "/a", "juliet@" + US)));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (delivered.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals("romeo@" + PEER + "/a", delivered.get(0).from().toString());
        // The body came in jabber:server; this server keeps a stanza's own elements in jabber:client.
        assertEquals("hi", ((chorus.actors.xmpp.Message) delivered.get(0)).body());
        assertNull(t.failed);
    }

    @Test
    void externalForADomainTheCertificateDoesNotNameFails() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = secured(t, context(Map.of()));
        in.tell(header("other.example", US));
        t.next(StreamHeader.class);
        Element features = t.next(Element.class);
        assertTrue(features.child("mechanisms", Ns.SASL).isEmpty(), "no EXTERNAL for other.example: " + features);
        in.tell(element(external("other.example")));
        assertTrue(t.next(Element.class).is("failure", Ns.SASL));
    }

    @Test
    void aStanzaFromADomainTheStreamDidNotAuthenticateEndsItWithInvalidFrom() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of()));
        in.tell(element(message("mallory@evil.example", "juliet@" + US)));
        assertEquals("invalid-from", t.next(StreamError.class).condition());
        assertTrue(delivered.isEmpty());
    }

    @Test
    void aStanzaForADomainThisServerDoesNotServeEndsTheStreamWithHostUnknown() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of()));
        in.tell(element(message("romeo@" + PEER, "someone@elsewhere.example")));
        assertEquals("host-unknown", t.next(StreamError.class).condition());
    }

    @Test
    void aStanzaWithoutFromEndsTheStreamWithImproperAddressing() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of()));
        in.tell(element(message(null, "juliet@" + US)));
        assertEquals("improper-addressing", t.next(StreamError.class).condition());
    }

    @Test
    void aStanzaBeforeAuthenticationEndsTheStreamWithNotAuthorized() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = secured(t, context(Map.of()));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        t.next(Element.class);
        in.tell(element(message("romeo@" + PEER, "juliet@" + US)));
        assertEquals("not-authorized", t.next(StreamError.class).condition());
        assertTrue(delivered.isEmpty());
    }

    @Test
    void aKeyThisClusterIssuedIsVerifiedValidByAnyNodeAndAForgedOneInvalid() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        t.peerCertificates = SelfSignedCertificate.generate(PEER, Clock.systemUTC()).chain();
        ActorRef<IncomingStream.Input> in = testKit.spawn(IncomingStream.create(t, context(Map.of())));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        t.next(Element.class);
        // XEP-0220 §2.4: we (us) sent PEER this key on our stream "s1"; PEER asks whether it is ours.
        in.tell(element(S2sElements.verify(PEER, US, "s1", keys.key(PEER, US, "s1"))));
        Element valid = t.next(Element.class);
        assertEquals("valid", valid.attr("type"));
        assertEquals("s1", valid.attr("id"));
        in.tell(element(S2sElements.verify(PEER, US, "s1", keys.key(PEER, US, "s2"))));
        assertEquals("invalid", t.next(Element.class).attr("type"));
    }

    @Test
    void dialbackFromAPeerWhoseCertificateIsValidIsAnsweredAtOnce() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = secured(t, context(Map.of()));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        t.next(Element.class);
        in.tell(element(S2sElements.result(PEER, US, "whatever")));
        Element answer = t.next(Element.class);
        assertEquals("valid", answer.attr("type"));
        in.tell(element(message("romeo@" + PEER, "juliet@" + US)));
        t.expectNothing(Duration.ofMillis(200));
        assertNull(t.failed);
    }

    @Test
    void withSecureAuthAPeerWithoutAValidCertificateGetsNoDialback() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        t.peerCertificates = SelfSignedCertificate.generate(PEER, Clock.systemUTC()).chain();
        ActorRef<IncomingStream.Input> in = testKit.spawn(IncomingStream.create(t,
            context(Map.of("chorus.s2s.secure-auth", true))));
        in.tell(header(PEER, US));
        t.next(StreamHeader.class);
        Element features = t.next(Element.class);
        assertTrue(features.elements().isEmpty(), "neither EXTERNAL nor dialback: " + features);
        in.tell(element(S2sElements.result(PEER, US, "key")));
        Element answer = t.next(Element.class);
        assertEquals("error", answer.attr("type"));
    }

    @Test
    void xep0198CountsWhatThePeerSentOnceItAuthenticated() throws InterruptedException {
        RecordingTransport t = new RecordingTransport(true, true);
        ActorRef<IncomingStream.Input> in = authenticated(t, context(Map.of()));
        in.tell(element(Element.of("enable", S2sElements.SM)));
        assertTrue(t.next(Element.class).is("enabled", S2sElements.SM));
        in.tell(element(message("romeo@" + PEER, "juliet@" + US)));
        in.tell(element(message("romeo@" + PEER, "juliet@" + US)));
        in.tell(element(Element.of("r", S2sElements.SM)));
        Element a = t.next(Element.class);
        assertEquals("2", a.attr("h"));
    }
}
