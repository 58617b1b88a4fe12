package chorus.node.session;

import chorus.actors.cluster.Frame;
import chorus.actors.cluster.Frames;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.node.csi.ClientStateIndication;
import chorus.node.csi.CsiSettings;
import chorus.node.stream.StreamClose;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static chorus.node.session.SessionFixture.BALCONY;
import static chorus.node.session.SessionFixture.DOMAIN;
import static chorus.node.session.SessionFixture.JULIET;
import static chorus.node.session.SessionFixture.ROMEO;
import static chorus.node.session.SessionFixture.element;
import static chorus.node.session.SessionFixture.stanza;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bound client session without a socket (see {@link SessionFixture}): where what the client sends goes, what
 * reaches the client and how it is acknowledged, XEP-0198, the extensions, and how the stream ends.
 */
class BoundSessionTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void presenceAndOwnIqsGoToTheAccountMessagesToTheirRecipientStamped() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(stanza(Presence.of(null, null, Presence.Type.AVAILABLE)));
        assertEquals(BALCONY, f.routedNext("own").from());
        session.tell(stanza(Iq.of(null, null, "r1", Iq.Type.GET, Element.of("query", "jabber:iq:roster"))));
        assertEquals(BALCONY, f.routedNext("own").from());
        session.tell(stanza(Message.chat(null, ROMEO, "m1", "hi")));
        Stanza m = f.routedNext("acknowledged");
        assertEquals(BALCONY, m.from());
        assertEquals(ROMEO, m.to());
    }

    @Test
    void aFromTheClientIsNotEntitledToEndsTheStreamWithInvalidFrom() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(stanza(Message.chat(ROMEO.withResource("phone"), JULIET, "m1", "forged")));
        assertEquals("invalid-from", transport.next(StreamError.class).condition());
        assertInstanceOf(UserEntity.Unbind.class, f.entityGets(UserEntity.Unbind.class));
        assertTrue(f.routes.isEmpty());
    }

    @Test
    void aServerIqTakesTheRoutersWalkAndItsAnswerComesBackThroughTheAccount() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(stanza(Iq.of(null, DOMAIN, "p1", Iq.Type.GET, Element.of("ping", PingHandler.NS))));
        Iq answer = (Iq) f.routedNext("deliver");
        assertEquals(Iq.Type.RESULT, answer.type());
        assertEquals(BALCONY, answer.to());
    }

    @Test
    void theNodesMetersCountEachStanzaByKindBothWaysAndHowLongAMessageTookToBeAccepted() throws Exception {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        double presencesIn = stanzas("in", "presence");
        double messagesIn = stanzas("in", "message");
        double messagesOut = stanzas("out", "message");
        double iqsOut = stanzas("out", "iq");
        session.tell(stanza(Presence.of(null, null, Presence.Type.AVAILABLE)));
        f.routedNext("own");
        session.tell(stanza(Message.chat(null, ROMEO, "m1", "hi")));
        f.routedNext("acknowledged");
        assertEquals(presencesIn + 1, stanzas("in", "presence"));
        assertEquals(messagesIn + 1, stanzas("in", "message"));
        assertEquals(0, f.metrics.registry().get("chorus.routing.latency").timer().count());
        // The recipient's entity took it: the session hears so, and the time it took is recorded.
        session.tell(new SessionMessage.Accepted(1));
        awaitTrue(() -> f.metrics.registry().get("chorus.routing.latency").timer().count() == 1);
        session.tell(new SessionMessage.Deliver(Message.chat(ROMEO.withResource("phone"), BALCONY, "m2", "hello")));
        transport.next(Message.class);
        session.tell(new SessionMessage.Deliver(Iq.of(DOMAIN, BALCONY, "p1", Iq.Type.RESULT, null)));
        transport.next(Iq.class);
        assertEquals(messagesOut + 1, stanzas("out", "message"));
        assertEquals(iqsOut + 1, stanzas("out", "iq"));
    }

    private double stanzas(String direction, String kind) {
        return f.metrics.registry().get("chorus.stanzas").tags("direction", direction, "kind", kind).counter().count();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 5 s");
            Thread.sleep(10);
        }
    }

    @Test
    void aTrackedMessageIsWrittenThenAcknowledgedToItsSenderAndToTheEntity() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        Message m = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "hello");
        session.tell(new SessionMessage.Deliver(m, 42, 7, sender.getRef(), 3));
        assertEquals(m, transport.next(Message.class));
        assertEquals(3, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        UserEntity.SessionAck ack = f.entityGets(UserEntity.SessionAck.class);
        assertEquals(42, ack.epoch());
        assertEquals(7, ack.upToSeq());
    }

    @Test
    void aMessageLargerThanAClusterFrameReachesTheClientWholeFromItsFrames() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        Frames frames = Frames.get(testKit.system());
        Message big = Message.chat(ROMEO.withResource("phone"), BALCONY, "big", "x".repeat(frames.budget()));
        List<Frame> pieces = frames.split(new SessionMessage.Deliver(big));
        assertTrue(pieces.size() > 1, pieces.size() + " frames");
        pieces.forEach(p -> session.tell(new SessionMessage.Framed(p)));
        assertEquals(big, transport.next(Message.class));
    }

    @Test
    void aWrittenPageOfOfflineMessagesIsConfirmedToTheMailboxNamingThisSession() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        Message one = Message.chat(ROMEO.withResource("phone"), BALCONY, "o1", "one");
        Message two = Message.chat(ROMEO.withResource("phone"), BALCONY, "o2", "two");
        session.tell(new SessionMessage.Offline(List.of(one, two), 12));
        assertEquals(one, transport.next(Message.class));
        assertEquals(two, transport.next(Message.class));
        // A mailbox that restarted since it sent this page sends the next one to the session named here.
        MailboxEntity.Forget forget = f.mailbox.expectMessageClass(MailboxEntity.Forget.class);
        assertEquals(12, forget.upToId());
        assertEquals(session, forget.session());
        assertEquals(BALCONY, forget.to());
    }

    @Test
    void streamManagementCountsWhatTheClientSentAndWhatItWasSent() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        Element enabled = transport.next(Element.class);
        assertTrue(enabled.is("enabled", StreamManagement.NS));
        assertNotNull(enabled.attr("id"));
        assertInstanceOf(UserEntity.Resumable.class, f.entityGets(UserEntity.Resumable.class));
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
        ActorRef<SessionInput> session = f.bound(transport, List.of(BlockingFilter::new));
        session.tell(new SessionMessage.Blocklist(List.of(ROMEO)));
        session.tell(stanza(Message.chat(null, ROMEO, "m1", "hi")));
        Message refused = transport.next(Message.class);
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, StanzaError.conditionOf(refused));
        assertTrue(f.routes.isEmpty());
    }

    @Test
    void anExtensionOffersItsFeatureTakesItsElementsAndHoldsBackWhatItChooses() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of(ClientState::new));
        session.tell(element(Element.of("inactive", ClientState.NS)));
        Presence romeo = Presence.of(ROMEO.withResource("phone"), BALCONY, Presence.Type.AVAILABLE);
        session.tell(new SessionMessage.Deliver(romeo));
        Message chat = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "important");
        session.tell(new SessionMessage.Deliver(chat, 1, 1, null, 0));
        assertEquals(chat, transport.next(Message.class), "what the extension does not hold goes out");
        session.tell(element(Element.of("active", ClientState.NS)));
        assertEquals(romeo, transport.next(Presence.class), "held back until the client is active");
        assertNull(transport.failed, "the extension's elements are no unknown stanzas");
    }

    @Test
    void aHeldTrackedMessageIsAcknowledgedToItsSenderAtOnceAndWrittenWhenTheClientIsActiveAgain()
        throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, ClientStateIndication.factories(CsiSettings.defaults()));
        session.tell(element(Element.of("inactive", ClientStateIndication.NS)));
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        Message typing = new Message(ROMEO.withResource("phone"), BALCONY, null, Message.Type.CHAT, null,
            List.of(Element.of("composing", "http://jabber.org/protocol/chatstates")));
        session.tell(new SessionMessage.Deliver(typing, 42, 7, sender.getRef(), 3));
        assertEquals(3, sender.expectMessageClass(SessionMessage.Accepted.class).seq(), "its sender need not wait");
        transport.expectNothing(Duration.ofMillis(200));
        Message chat = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "hello");
        session.tell(new SessionMessage.Deliver(chat, 42, 8, sender.getRef(), 4));
        assertEquals(typing, transport.next(Message.class), "what waited goes first");
        assertEquals(chat, transport.next(Message.class));
        assertEquals(8, f.entityGets(UserEntity.SessionAck.class).upToSeq(), "the entity hears both were written");
    }

    @Test
    void streamManagementCountsHeldStanzasOnlyOnceWrittenAndAResumingStreamGetsThem() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, ClientStateIndication.factories(CsiSettings.defaults()));
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        transport.next(Element.class);
        session.tell(element(Element.of("inactive", ClientStateIndication.NS)));
        Presence romeo = Presence.of(ROMEO.withResource("phone"), BALCONY, Presence.Type.AVAILABLE);
        session.tell(new SessionMessage.Deliver(romeo));
        session.tell(element(Element.of("r", StreamManagement.NS)));
        Element a = (Element) transport.next();
        assertTrue(a.is("a", StreamManagement.NS), "nothing was written before the answer: " + a);
        session.tell(StreamSession.TransportClosed.INSTANCE);
        f.entityGetsNo(UserEntity.Unbind.class, Duration.ofMillis(300));
        TestProbe<SessionMessage> resumer = testKit.createTestProbe();
        session.tell(new SessionMessage.HandOver(resumer.getRef()));
        SessionMessage.Resumption r = resumer.expectMessageClass(SessionMessage.Resumption.class);
        assertEquals(List.of(romeo), r.unacked().stream().map(SessionMessage.Unacked::stanza).toList(),
            "what waited goes to the resuming stream");
        assertEquals(1, r.sent(), "counted as sent now");
    }

    @Test
    void theEntityHearsWhenTheClientStopsReadingInactiveOrDroppedForPush() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, ClientStateIndication.factories(CsiSettings.defaults()));
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        transport.next(Element.class);
        session.tell(element(Element.of("inactive", ClientStateIndication.NS)));
        UserEntity.Quiet quiet = f.entityGets(UserEntity.Quiet.class);
        assertTrue(quiet.quiet(), "XEP-0352 inactive");
        assertEquals("balcony", quiet.resource());
        session.tell(element(Element.of("active", ClientStateIndication.NS)));
        assertFalse(f.entityGets(UserEntity.Quiet.class).quiet(), "active again");
        session.tell(StreamSession.TransportClosed.INSTANCE);
        assertTrue(f.entityGets(UserEntity.Quiet.class).quiet(), "XEP-0198: dropped, waiting to be resumed");
    }

    @Test
    void aDroppedResumableStreamStaysBoundAndHandsItsStateToTheStreamThatResumesIt() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of(BlockingFilter::new));
        session.tell(element(Element.build("enable", StreamManagement.NS).attr("resume", "true").get()));
        String id = transport.next(Element.class).attr("id");
        session.tell(new SessionMessage.Blocklist(List.of(ROMEO)));
        Message m = Message.chat(ROMEO.withResource("phone"), BALCONY, "m1", "while you were away");
        session.tell(new SessionMessage.Deliver(m, 5, 1, null, 0));
        assertEquals(m, transport.nextSkippingRequests());
        session.tell(StreamSession.TransportClosed.INSTANCE);
        f.entityGetsNo(UserEntity.Unbind.class, Duration.ofMillis(300));
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
        ActorRef<SessionInput> session = f.start(transport, List.of());
        f.opened(session, transport);
        f.authenticate(session, "secret");
        transport.next(Element.class);
        f.opened(session, transport);
        session.tell(element(
            Element.build("resume", StreamManagement.NS).attr("previd", "old-id").attr("h", "0").get()));
        UserEntity.Resume resume = f.entityGets(UserEntity.Resume.class);
        assertEquals("old-id", resume.id());
        resume.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, f.entity.getRef()));
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
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(new StreamSession.Inbound(new StreamEvent.StreamClosed()));
        assertEquals("balcony", f.entityGets(UserEntity.Unbind.class).resource());
        assertEquals(StreamClose.INSTANCE, transport.next());
        assertTrue(transport.closed);
    }

    @Test
    void anEntityThatEndsTheStreamEndsItGracefullyAndLateMessagesStillGoOut() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.bound(transport, List.of());
        session.tell(new SessionMessage.Close("conflict", "replaced by a new connection"));
        assertEquals("conflict", transport.next(StreamError.class).condition());
        assertEquals("conflict", transport.ended.condition());
        session.tell(stanza(Message.chat(null, ROMEO, "late", "crossed on the wire")));
        assertEquals("late", f.routedNext("acknowledged").id());
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
