package chorus.node.session;

import chorus.actors.account.Credentials;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.Features;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.router.Router;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.node.config.C2sSettings;
import chorus.node.config.RegistrationSettings;
import chorus.node.config.SmSettings;
import chorus.node.sasl.SaslMechanisms;
import chorus.node.sasl.SaslSettings;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client stream session without a socket, a Netty channel or a cluster: a {@link RecordingTransport} carries
 * the stream, probes stand in for the account's entity and mailbox, and a router with a recording port shows where
 * what the client sends goes. The same session serves any transport; these are its phases and its bound state.
 */
class StreamSessionTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final FullJid BALCONY = JULIET.withResource("balcony");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final Credentials CREDS = Credentials.derive("secret", Credentials.MIN_ITERATIONS, new SecureRandom());
    static final SmSettings SM = new SmSettings(true, Duration.ofSeconds(300), Duration.ofSeconds(3600), 500);

    final TestProbe<UserEntity.Command> entity = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    /** What reached the router's accounts port: the stanzas, and how ("own", "deliver", "acknowledged"). */
    final BlockingQueue<String> routes = new LinkedBlockingQueue<>();
    final BlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final Router router = new Router(DOMAIN, new Router.Accounts() {
        @Override
        public void deliver(BareJid account, Stanza stanza) {
            record("deliver", stanza);
        }

        @Override
        public void deliverAcknowledged(BareJid account, Message m, ActorRef<SessionMessage> ackTo, long seq) {
            record("acknowledged", m);
        }

        @Override
        public void fromOwnSession(BareJid account, Stanza stanza) {
            record("own", stanza);
        }

        @Override
        public void sent(BareJid account, Message m) {
        }
    }, null, new Features(List.of(new PingHandler())), m -> false, Clock.systemUTC(), DeliveryFailures.NONE);

    void record(String how, Stanza st) {
        routes.add(how);
        routed.add(st);
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    SessionContext context(Duration negotiationTimeout, List<SessionExtension.Factory> extensions) {
        C2sSettings c2s = new C2sSettings(5222, 5223, 256 * 1024, 32, 0, negotiationTimeout, Duration.ofMillis(10), 3,
            C2sSettings.ResourceConflict.KICK_OLD, "", SM);
        AccountAdmin noAccounts = new AccountAdmin() {
            @Override
            public CompletableFuture<UserEntity.AccountReply> create(BareJid account, String password) {
                return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
            }

            @Override
            public CompletableFuture<UserEntity.AccountReply> changePassword(BareJid account, String password) {
                return create(account, password);
            }

            @Override
            public CompletableFuture<UserEntity.AccountReply> remove(BareJid account) {
                return create(account, null);
            }
        };
        return new SessionContext(DOMAIN, c2s, new RegistrationSettings(false, 3, Duration.ofHours(1), List.of(), ""),
            router, jid -> entity.getRef(), jid -> mailbox.getRef(), Clock.systemUTC(), SessionRegistry.NONE,
            new SaslMechanisms(SaslSettings.allMechanisms(4096, new byte[32]), new SecureRandom()), noAccounts,
            new RegistrationLimiter(3, Duration.ofHours(1), Clock.systemUTC()), extensions);
    }

    /** A session over a plain TCP-like transport (STARTTLS first). */
    ActorRef<SessionInput> start(RecordingTransport transport, List<SessionExtension.Factory> extensions) {
        return testKit.spawn(StreamSession.create(transport, context(Duration.ofMinutes(1), extensions)));
    }

    static StreamSession.Inbound open() {
        return new StreamSession.Inbound(new StreamEvent.StreamOpen(Map.of("to", "example.org", "version", "1.0",
            "xmlns", Ns.CLIENT, "xmlns:stream", Ns.STREAMS)));
    }

    static StreamSession.Inbound element(Element e) {
        return new StreamSession.Inbound(new StreamEvent.StanzaReceived(e));
    }

    static StreamSession.Inbound stanza(Stanza st) {
        return element(st.toElement(Ns.CLIENT));
    }

    static Element plain(String user, String password) {
        String response = "\0" + user + "\0" + password;
        return Element.build("auth", Ns.SASL).attr("mechanism", "PLAIN")
            .text(Base64.getEncoder().encodeToString(response.getBytes(StandardCharsets.UTF_8))).get();
    }

    static Element bindRequest(String resource) {
        return Element.build("iq", Ns.CLIENT).attr("type", "set").attr("id", "bind-1")
            .child(Element.build("bind", Ns.BIND).textChild("resource", Ns.BIND, resource).get()).get();
    }

    /** Features our stream offered, by element name. */
    static List<String> features(Object o) {
        Element f = (Element) o;
        assertTrue(f.is("features", Ns.STREAMS), "not a features element: " + f);
        List<String> names = new ArrayList<>();
        f.elements().forEach(e -> names.add(e.name()));
        return names;
    }

    <T extends UserEntity.Command> T entityGets(Class<T> type) {
        List<UserEntity.Command> got = entity.fishForMessage(Duration.ofSeconds(5),
            m -> type.isInstance(m) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return type.cast(got.get(got.size() - 1));
    }

    /** A new stream of ours answers the client's header; returns the features offered. */
    List<String> opened(ActorRef<SessionInput> session, RecordingTransport transport) throws InterruptedException {
        session.tell(open());
        transport.next(StreamHeader.class);
        return features(transport.next());
    }

    /** SASL PLAIN for juliet with this password, the entity answering with her credentials. */
    void authenticate(ActorRef<SessionInput> session, String password) {
        session.tell(element(plain("juliet", password)));
        entityGets(UserEntity.GetCredentials.class).replyTo().tell(new UserEntity.CredentialsReply(CREDS));
    }

    /** Nothing of this type reaches the entity for a while (acknowledgements and the like may). */
    void entityGetsNo(Class<?> type, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            UserEntity.Command m = null;
            try {
                m = entity.receiveMessage(Duration.ofMillis(20));
            } catch (AssertionError nothingYet) {
                // quiet for now
            }
            assertFalse(type.isInstance(m), "the entity got " + m);
        }
    }

    /** STARTTLS, SASL PLAIN, a new stream, and the resource bound: the whole negotiation, as a client does it. */
    ActorRef<SessionInput> bound(RecordingTransport transport, List<SessionExtension.Factory> extensions)
        throws InterruptedException {
        ActorRef<SessionInput> session = start(transport, extensions);
        assertEquals(List.of("starttls"), opened(session, transport));
        session.tell(element(Element.of("starttls", Ns.TLS)));
        assertTrue(transport.next(Element.class).is("proceed", Ns.TLS));
        assertTrue(transport.secure);
        assertEquals(List.of("mechanisms"), opened(session, transport));
        authenticate(session, "secret");
        assertTrue(transport.next(Element.class).is("success", Ns.SASL));
        assertEquals(1, transport.restarts);
        List<String> offered = opened(session, transport);
        assertTrue(offered.containsAll(List.of("bind", "sm", "session", "ver")), offered.toString());
        session.tell(element(bindRequest("balcony")));
        UserEntity.Bind bind = entityGets(UserEntity.Bind.class);
        assertEquals("balcony", bind.resource());
        bind.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, entity.getRef()));
        Iq result = transport.next(Iq.class);
        assertEquals(Iq.Type.RESULT, result.type());
        assertEquals(BALCONY.toString(), result.payload().orElseThrow().childText("jid", Ns.BIND).orElseThrow());
        return session;
    }

    Stanza routedNext(String how) throws InterruptedException {
        assertEquals(how, routes.poll(5, TimeUnit.SECONDS));
        return routed.poll(5, TimeUnit.SECONDS);
    }

    // ---- negotiation ----

    @Test
    void aClientNegotiatesTlsSaslAndItsResourceOverATransportWithoutASocket() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        bound(transport, List.of());
        assertNull(transport.failed);
    }

    @Test
    void beforeTlsAnythingButStarttlsEndsTheStreamWithPolicyViolation() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = start(transport, List.of());
        opened(session, transport);
        session.tell(element(plain("juliet", "secret")));
        assertEquals("policy-violation", transport.next(StreamError.class).condition());
    }

    @Test
    void aHeaderForAnotherDomainGetsOurHeaderThenHostUnknown() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = start(transport, List.of());
        session.tell(new StreamSession.Inbound(
            new StreamEvent.StreamOpen(Map.of("to", "example.net", "version", "1.0"))));
        assertEquals("example.org", transport.next(StreamHeader.class).from());
        assertEquals("host-unknown", transport.next(StreamError.class).condition());
    }

    @Test
    void aTransportThatIsTlsUnderneathOffersSaslAtOnce() throws InterruptedException {
        // WebSocket (RFC 7395 §3.6) and BOSH: no STARTTLS within the stream.
        RecordingTransport transport = new RecordingTransport(true, false);
        assertEquals(List.of("mechanisms"), opened(start(transport, List.of()), transport));
    }

    @Test
    void negotiationThatTakesTooLongEndsWithConnectionTimeout() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        testKit.spawn(StreamSession.create(transport, context(Duration.ofMillis(100), List.of())));
        assertNotNull(transport.next(StreamHeader.class), "an error comes inside a stream of ours");
        assertEquals("connection-timeout", transport.next(StreamError.class).condition());
    }

    @Test
    void aWrongPasswordIsAnsweredAfterTheDelayAndTheStreamGoesOn() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = start(transport, List.of());
        opened(session, transport);
        authenticate(session, "wrong");
        Element failure = transport.next(Element.class);
        assertTrue(failure.is("failure", Ns.SASL));
        assertTrue(failure.child("not-authorized", Ns.SASL).isPresent());
        assertNull(transport.failed);
    }

    // ---- the bound session ----

    @Test
    void presenceAndOwnIqsGoToTheAccountMessagesToTheirRecipientStamped() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(stanza(Presence.of(null, null, Presence.Type.AVAILABLE)));
        assertEquals(BALCONY, routedNext("own").from());
        session.tell(stanza(Iq.of(null, null, "r1", Iq.Type.GET, Element.of("query", "jabber:iq:roster"))));
        assertEquals(BALCONY, routedNext("own").from());
        session.tell(stanza(Message.chat(null, ROMEO, "m1", "hi")));
        Stanza m = routedNext("acknowledged");
        assertEquals(BALCONY, m.from());
        assertEquals(ROMEO, m.to());
    }

    @Test
    void aFromTheClientIsNotEntitledToEndsTheStreamWithInvalidFrom() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(stanza(Message.chat(ROMEO.withResource("phone"), JULIET, "m1", "forged")));
        assertEquals("invalid-from", transport.next(StreamError.class).condition());
        assertInstanceOf(UserEntity.Unbind.class, entityGets(UserEntity.Unbind.class));
        assertTrue(routes.isEmpty());
    }

    @Test
    void aServerIqTakesTheRoutersWalkAndItsAnswerComesBackThroughTheAccount() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(stanza(Iq.of(null, DOMAIN, "p1", Iq.Type.GET, Element.of("ping", PingHandler.NS))));
        Iq answer = (Iq) routedNext("deliver");
        assertEquals(Iq.Type.RESULT, answer.type());
        assertEquals(BALCONY, answer.to());
    }

    @Test
    void aTrackedMessageIsWrittenThenAcknowledgedToItsSenderAndToTheEntity() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        Message m = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "hello");
        session.tell(new SessionMessage.Deliver(m, 42, 7, sender.getRef(), 3));
        assertEquals(m, transport.next(Message.class));
        assertEquals(3, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        UserEntity.SessionAck ack = entityGets(UserEntity.SessionAck.class);
        assertEquals(42, ack.epoch());
        assertEquals(7, ack.upToSeq());
    }

    @Test
    void streamManagementCountsWhatTheClientSentAndWhatItWasSent() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        Element enabled = transport.next(Element.class);
        assertTrue(enabled.is("enabled", StreamManagement.NS));
        assertNotNull(enabled.attr("id"));
        assertInstanceOf(UserEntity.Resumable.class, entityGets(UserEntity.Resumable.class));
        session.tell(stanza(Presence.of(null, null, Presence.Type.AVAILABLE)));
        Presence romeo = Presence.of(ROMEO.withResource("phone"), BALCONY, Presence.Type.AVAILABLE);
        session.tell(new SessionMessage.Deliver(romeo));
        assertInstanceOf(Presence.class, transport.nextSkippingRequests());
        session.tell(element(Element.of("r", StreamManagement.NS)));
        Element a = (Element) transport.nextSkippingRequests();
        assertTrue(a.is("a", StreamManagement.NS));
        assertEquals("1", a.attr("h"), "the client's one stanza was handled");
        session.tell(element(Element.build("a", StreamManagement.NS).attr("h", "2").get()));
        assertEquals("undefined-condition", ((StreamError) transport.nextSkippingRequests()).condition(),
            "acknowledging more than was sent ends the stream");
    }

    @Test
    void theBlockListRefusesWhatTheClientSendsToABlockedAddress() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of(BlockingFilter::new));
        session.tell(new SessionMessage.Blocklist(List.of(ROMEO)));
        session.tell(stanza(Message.chat(null, ROMEO, "m1", "hi")));
        Message refused = transport.next(Message.class);
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(refused));
        assertTrue(routes.isEmpty());
    }

    @Test
    void anExtensionOffersItsFeatureTakesItsElementsAndHoldsBackWhatItChooses() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of(ClientState::new));
        session.tell(element(Element.of("inactive", ClientState.NS)));
        Presence romeo = Presence.of(ROMEO.withResource("phone"), BALCONY, Presence.Type.AVAILABLE);
        session.tell(new SessionMessage.Deliver(romeo));
        Message chat = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "important");
        session.tell(new SessionMessage.Deliver(chat, 1, 1, null, 0));
        assertEquals(chat, transport.next(Message.class), "a tracked message is never held back");
        session.tell(element(Element.of("active", ClientState.NS)));
        assertEquals(romeo, transport.next(Presence.class), "held back until the client is active");
        assertNull(transport.failed, "the extension's elements are no unknown stanzas");
    }

    @Test
    void aDroppedResumableStreamStaysBoundAndHandsItsStateToTheStreamThatResumesIt() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of(BlockingFilter::new));
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        String id = transport.next(Element.class).attr("id");
        session.tell(new SessionMessage.Blocklist(List.of(ROMEO)));
        Message m = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "while you were away");
        session.tell(new SessionMessage.Deliver(m, 5, 1, null, 0));
        assertEquals(m, transport.nextSkippingRequests());
        session.tell(StreamSession.TransportClosed.INSTANCE);
        entityGetsNo(UserEntity.Unbind.class, Duration.ofMillis(300));
        TestProbe<SessionMessage> resumer = testKit.createTestProbe();
        session.tell(new SessionMessage.HandOver(resumer.getRef()));
        SessionMessage.Resumption r = resumer.expectMessageClass(SessionMessage.Resumption.class);
        assertFalse(r.refused());
        assertEquals(id, r.id());
        assertEquals(1, r.unacked().size(), "the message the client never acknowledged");
        assertEquals(List.of(ROMEO), r.blocked(), "with what the extensions keep");
    }

    @Test
    void aStreamThatResumesAnotherSendsAgainWhatItsClientMissed() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(true, false);
        ActorRef<SessionInput> session = start(transport, List.of());
        opened(session, transport);
        authenticate(session, "secret");
        transport.next(Element.class);
        opened(session, transport);
        session.tell(element(
            Element.build("resume", StreamManagement.NS).attr("previd", "old-id").attr("h", "0").get()));
        UserEntity.Resume resume = entityGets(UserEntity.Resume.class);
        assertEquals("old-id", resume.id());
        resume.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, entity.getRef()));
        Message missed = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "missed");
        session.tell(new SessionMessage.Resumption(false, "old-id", 0, 1,
            List.of(new SessionMessage.Unacked(missed, 5, 1)), null, true, List.of(), 300));
        Element resumed = transport.next(Element.class);
        assertTrue(resumed.is("resumed", StreamManagement.NS));
        assertEquals("0", resumed.attr("h"));
        assertEquals(missed, transport.next(Message.class));
    }

    @Test
    void closingTheStreamEndsTheResourceAndOurStream() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(new StreamSession.Inbound(new StreamEvent.StreamClosed()));
        assertEquals("balcony", entityGets(UserEntity.Unbind.class).resource());
        assertEquals(StreamClose.INSTANCE, transport.next());
        assertTrue(transport.closed);
    }

    @Test
    void anEntityThatEndsTheStreamEndsItGracefullyAndLateMessagesStillGoOut() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = bound(transport, List.of());
        session.tell(new SessionMessage.Close("conflict", "replaced by a new connection"));
        assertEquals("conflict", transport.next(StreamError.class).condition());
        assertEquals("conflict", transport.ended.condition());
        session.tell(stanza(Message.chat(null, ROMEO, "late", "crossed on the wire")));
        assertEquals("late", routedNext("acknowledged").id());
        session.tell(new StreamSession.Inbound(new StreamEvent.StreamClosed()));
        transport.expectNothing(Duration.ofMillis(200));
        assertFalse(transport.closed, "our stream ended already");
        assertTrue(transport.closedNow);
    }

    /**
     * A Client State Indication (XEP-0352) of the simplest kind, as a test of the extension point: it offers
     * {@code <csi/>}, takes {@code <active/>} and {@code <inactive/>}, and holds presence back while inactive.
     */
    static final class ClientState implements SessionExtension {
        static final String NS = "urn:xmpp:csi:0";
        private final SessionLink link;
        private final List<Stanza> held = new ArrayList<>();
        private boolean inactive;

        ClientState(SessionLink link) {
            this.link = link;
        }

        @Override
        public List<Element> features() {
            return List.of(Element.of("csi", NS));
        }

        @Override
        public boolean element(Element e) {
            if (!NS.equals(e.ns())) {
                return false;
            }
            inactive = e.name().equals("inactive");
            if (!inactive) {
                held.forEach(link::toClient);
                held.clear();
            }
            return true;
        }

        @Override
        public boolean toClient(Stanza stanza) {
            if (inactive && stanza instanceof Presence) {
                held.add(stanza);
                return false;
            }
            return true;
        }
    }
}
