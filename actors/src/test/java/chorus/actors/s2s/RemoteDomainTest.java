package chorus.actors.s2s;

import chorus.actors.ManualClock;
import chorus.actors.feature.Features;
import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entity that owns the outgoing stream of a pair of domains: queue, acknowledgements, bounces, retries. */
class RemoteDomainTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    static final FullJid ALICE = (FullJid) Jid.parse("alice@a.example/phone");
    static final BareJid BOB = new BareJid("bob", "b.example");

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    /** What the router delivered to local accounts (the error replies of bounces). */
    final List<Stanza> toAccounts = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Router router = new Router(new DomainJid("a.example"), new Router.Accounts() {
        @Override
        public void deliver(BareJid account, Stanza stanza) {
            toAccounts.add(stanza);
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
    }, null, new Features(List.of()), m -> false, clock, (st, c) -> failures.add(c.name()));

    final TestProbe<RemoteLink> link = testKit.createTestProbe();
    final AtomicReference<Long> epoch = new AtomicReference<>(0L);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    ActorRef<RemoteDomain.Command> entity(RemoteSettings settings) {
        RemoteLink.Factory links = (local, remote, e, owner) -> {
            epoch.set(e);
            return Behaviors.receiveMessage(m -> {
                link.ref().tell(m);
                return Behaviors.same();
            });
        };
        return testKit.spawn(RemoteDomain.create("a.example|b.example", shard.ref(),
            new RemoteDomain.Deps(router, links, settings, clock)));
    }

    ActorRef<RemoteDomain.Command> entity() {
        return entity(RemoteSettings.DEFAULTS);
    }

    static Message chat(String id) {
        return new Message(ALICE, BOB, id, Message.Type.CHAT, null, List.of(Element.build("body", "jabber:client")
            .text("hi").get()));
    }

    /** The epoch of the link the entity opened last, once it opened one after {@code before}. */
    long opened(long before) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (epoch.get() <= before && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }
        assertTrue(epoch.get() > before, "no link was opened");
        return epoch.get();
    }

    long opened() {
        return opened(0);
    }

    Stanza sent() {
        return ((RemoteLink.Send) link.expectMessageClass(RemoteLink.Send.class)).stanza();
    }

    @Test
    void stanzasWaitWhileTheStreamConnectsAndGoOutInOrderOnceItIsUp() {
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.Send(chat("m1")));
        e.tell(new RemoteDomain.Send(chat("m2")));
        link.expectNoMessage(Duration.ofMillis(200));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        assertEquals("m1", sent().id());
        assertEquals("m2", sent().id());
    }

    @Test
    void aWaitingSenderHearsOnlyOnceThePeerAcknowledgedWithStreamManagement() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.LinkUp(0, true)); // no link yet: ignored
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 7));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        sent();
        sender.expectNoMessage(Duration.ofMillis(200));
        e.tell(new RemoteDomain.LinkAcked(epoch.get(), 1));
        assertEquals(7, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
    }

    @Test
    void withoutStreamManagementAPingAfterTheStanzasAcknowledgesThem() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 1));
        e.tell(new RemoteDomain.SendAcknowledged(chat("m2"), sender.ref(), 2));
        e.tell(new RemoteDomain.LinkUp(opened(), false));
        assertEquals("m1", sent().id());
        assertEquals("m2", sent().id());
        Iq ping = assertInstanceOf(Iq.class, sent());
        assertTrue(ping.id().startsWith(RemoteDomain.ACK_PREFIX));
        assertEquals("b.example", ping.to().toString());
        sender.expectNoMessage(Duration.ofMillis(200));
        e.tell(new RemoteDomain.Answered(new Iq(ping.to(), ping.from(), "other", Iq.Type.RESULT, null, List.of())));
        sender.expectNoMessage(Duration.ofMillis(100));
        e.tell(new RemoteDomain.Answered(new Iq(ping.to(), ping.from(), ping.id(), Iq.Type.RESULT, null, List.of())));
        assertEquals(1, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        assertEquals(2, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
    }

    @Test
    void aPingThePeerDoesNotAnswerIsFollowedByAnotherWhoseAnswerAcknowledges() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 1));
        e.tell(new RemoteDomain.LinkUp(opened(), false));
        assertEquals("m1", sent().id());
        Iq lost = assertInstanceOf(Iq.class, sent());
        e.tell(new RemoteDomain.SendAcknowledged(chat("m2"), sender.ref(), 2));
        assertEquals("m2", sent().id());
        // The peer dropped the answer (it could not reach us yet): no second ping while the first is young...
        link.expectNoMessage(Duration.ofMillis(300));
        // ...one once it is overdue, covering m2 too.
        clock.now = clock.now.plus(RemoteDomain.PING_AGAIN).plusSeconds(1);
        Iq again = assertInstanceOf(Iq.class, sent());
        assertTrue(again.id().startsWith(RemoteDomain.ACK_PREFIX) && !again.id().equals(lost.id()));
        e.tell(new RemoteDomain.Answered(new Iq(again.to(), again.from(), again.id(), Iq.Type.RESULT, null, List.of())));
        assertEquals(1, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        assertEquals(2, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        // A late answer to the first changes nothing.
        e.tell(new RemoteDomain.Answered(new Iq(lost.to(), lost.from(), lost.id(), Iq.Type.RESULT, null, List.of())));
        sender.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aLateAnswerToAnEarlierPingAcknowledgesUpToThatPing() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 1));
        e.tell(new RemoteDomain.LinkUp(opened(), false));
        assertEquals("m1", sent().id());
        Iq first = assertInstanceOf(Iq.class, sent());
        e.tell(new RemoteDomain.SendAcknowledged(chat("m2"), sender.ref(), 2));
        assertEquals("m2", sent().id());
        clock.now = clock.now.plus(RemoteDomain.PING_AGAIN).plusSeconds(1);
        assertInstanceOf(Iq.class, sent());
        e.tell(new RemoteDomain.Answered(new Iq(first.to(), first.from(), first.id(), Iq.Type.RESULT, null, List.of())));
        assertEquals(1, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        sender.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aCopyTheSenderSendsAgainIsTakenOnceAndAnsweredAgainWhenDone() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 3));
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 3));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        sent();
        link.expectNoMessage(Duration.ofMillis(200));
        e.tell(new RemoteDomain.LinkAcked(epoch.get(), 1));
        sender.expectMessageClass(SessionMessage.Accepted.class);
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 3));
        assertEquals(3, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        link.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aLostStreamGivesBackWhatItDidNotAcknowledgeToTheNextOne() throws Exception {
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.Send(chat("m1")));
        e.tell(new RemoteDomain.Send(chat("m2")));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        sent();
        sent();
        e.tell(new RemoteDomain.LinkAcked(epoch.get(), 1));
        long first = epoch.get();
        e.tell(new RemoteDomain.LinkDown(first, RemoteDomain.Failure.CLOSED, "test"));
        // Connects again (after retry.min) and writes m2 again: at least once.
        assertEquals(first + 1, opened(first));
        e.tell(new RemoteDomain.LinkDown(first, RemoteDomain.Failure.CLOSED, "late news of the old link"));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        assertEquals("m2", sent().id());
    }

    @Test
    void aDomainWithoutServerBouncesWhatWaitsWithRemoteServerNotFound() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 5));
        e.tell(new RemoteDomain.LinkDown(opened(), RemoteDomain.Failure.NOT_FOUND, "no such domain"));
        assertEquals(5, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        Message error = (Message) awaitFirst(toAccounts);
        assertEquals(Message.Type.ERROR, error.type());
        assertEquals(ALICE, error.to());
        assertEquals(List.of("REMOTE_SERVER_NOT_FOUND"), failures);
    }

    @Test
    void whatThePeerDoesNotGetInTimeBouncesWithRemoteServerTimeout() {
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.Send(chat("m1")));
        link.expectNoMessage(Duration.ofMillis(100));
        clock.now = clock.now.plus(RemoteSettings.DEFAULTS.bounceAfter()).plusSeconds(1);
        Message error = (Message) awaitFirst(toAccounts);
        assertTrue(error.children().stream().anyMatch(n -> n instanceof Element el && el.name().equals("error")
            && el.child("remote-server-timeout", "urn:ietf:params:xml:ns:xmpp-stanzas").isPresent()), error.toString());
    }

    @Test
    void whatThePeerTookButNeverAcknowledgedBouncesAndTheSilentStreamIsClosed() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendAcknowledged(chat("m1"), sender.ref(), 9));
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        assertEquals("m1", sent().id());
        sender.expectNoMessage(Duration.ofMillis(200));
        clock.now = clock.now.plus(RemoteSettings.DEFAULTS.ackTimeout()).plusSeconds(1);
        // Not taken as delivered: the sender is released, with an error, and the stream that stopped answering ends.
        assertEquals(9, sender.expectMessageClass(SessionMessage.Accepted.class).seq());
        Message error = (Message) awaitFirst(toAccounts);
        assertEquals(Message.Type.ERROR, error.type());
        assertEquals(ALICE, error.to());
        assertEquals(List.of("REMOTE_SERVER_TIMEOUT"), failures);
        link.expectMessage(RemoteLink.Close.INSTANCE);
        // What comes while it closes waits for the next stream instead of going into the silent one.
        long first = epoch.get();
        e.tell(new RemoteDomain.Send(chat("m2")));
        link.expectNoMessage(Duration.ofMillis(200));
        e.tell(new RemoteDomain.LinkDown(first, RemoteDomain.Failure.CLOSED, "closed"));
        e.tell(new RemoteDomain.LinkUp(opened(first), true));
        assertEquals("m2", sent().id());
    }

    static Presence presence() {
        return new Presence(ALICE, BOB, null, Presence.Type.AVAILABLE, null, List.of());
    }

    @Test
    void aHeldStanzaIsReleasedToItsHolderOnceThePeerAcknowledgedIt() {
        TestProbe<RemoteHandoff.Command> holder = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.SendHeld(presence(), holder.ref(), 4));
        e.tell(new RemoteDomain.SendHeld(presence(), holder.ref(), 4)); // handed again: taken once
        e.tell(new RemoteDomain.LinkUp(opened(), true));
        assertInstanceOf(Presence.class, sent());
        link.expectNoMessage(Duration.ofMillis(200));
        holder.expectNoMessage(Duration.ofMillis(100));
        e.tell(new RemoteDomain.LinkAcked(epoch.get(), 1));
        assertEquals(4, holder.expectMessageClass(RemoteHandoff.Taken.class).seq());
    }

    @Test
    void theHandoffHandsAStanzaAgainUntilItsEntityTookItAndBouncesItWhenNoneEverDoes() {
        List<RemoteDomain.Command> handed = new CopyOnWriteArrayList<>();
        ActorRef<RemoteHandoff.Command> handoff = testKit.spawn(RemoteHandoff.create((s, c) -> handed.add(c), router,
            RemoteSettings.DEFAULTS, clock));
        handoff.tell(new RemoteHandoff.Hand(presence()));
        handoff.tell(new RemoteHandoff.Hand(chat("m1")));
        awaitSize(handed, 2);
        RemoteDomain.SendHeld first = (RemoteDomain.SendHeld) handed.get(0);
        RemoteDomain.SendHeld second = (RemoteDomain.SendHeld) handed.get(1);
        handoff.tell(new RemoteHandoff.Taken(second.seq()));
        clock.now = clock.now.plus(RemoteHandoff.RESEND_AFTER).plusSeconds(1);
        awaitSize(handed, 3);
        assertEquals(first.seq(), ((RemoteDomain.SendHeld) handed.get(2)).seq(), "only what was not taken goes again");
        clock.now = clock.now.plus(RemoteSettings.DEFAULTS.bounceAfter().multipliedBy(3));
        Presence error = (Presence) awaitFirst(toAccounts);
        assertEquals(Presence.Type.ERROR, error.type());
        assertEquals(ALICE, error.to());
        assertEquals(List.of("REMOTE_SERVER_TIMEOUT"), failures);
    }

    private static void awaitSize(List<?> list, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.size() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }
        assertEquals(n, list.size());
    }

    @Test
    void beyondItsLimitsTheQueueRefusesWithResourceConstraint() {
        RemoteSettings small = new RemoteSettings(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(10), 2, 1 << 20, Duration.ofSeconds(60));
        ActorRef<RemoteDomain.Command> e = entity(small);
        e.tell(new RemoteDomain.Send(chat("m1")));
        e.tell(new RemoteDomain.Send(chat("m2")));
        e.tell(new RemoteDomain.Send(chat("m3")));
        awaitFirst(toAccounts);
        assertEquals(List.of("RESOURCE_CONSTRAINT"), failures);
        assertEquals("m3", toAccounts.get(0).id());
    }

    @Test
    void aDialbackKeyIsVerifiedThroughTheStreamAndAnswered() {
        TestProbe<RemoteDomain.Verified> asker = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.Verify("stream-1", "k3y", asker.ref()));
        RemoteLink.Verify v = link.expectMessageClass(RemoteLink.Verify.class);
        assertEquals("stream-1", v.streamId());
        e.tell(new RemoteDomain.LinkVerified(epoch.get(), "stream-1", true));
        RemoteDomain.Verified answer = asker.expectMessageClass(RemoteDomain.Verified.class);
        assertTrue(answer.valid() && !answer.failed());
    }

    @Test
    void aStreamThatCannotComeUpFailsTheKeysItWasAskedAbout() {
        TestProbe<RemoteDomain.Verified> asker = testKit.createTestProbe();
        ActorRef<RemoteDomain.Command> e = entity();
        e.tell(new RemoteDomain.Verify("stream-2", "k3y", asker.ref()));
        link.expectMessageClass(RemoteLink.Verify.class);
        e.tell(new RemoteDomain.LinkDown(opened(), RemoteDomain.Failure.UNREACHABLE, "no answer"));
        assertTrue(asker.expectMessageClass(RemoteDomain.Verified.class).failed());
    }

    private static Stanza awaitFirst(List<Stanza> list) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (list.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        }
        assertTrue(!list.isEmpty(), "nothing arrived");
        return list.get(0);
    }
}
