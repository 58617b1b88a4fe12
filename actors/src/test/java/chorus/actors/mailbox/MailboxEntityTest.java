package chorus.actors.mailbox;

import chorus.actors.ManualClock;
import chorus.actors.metrics.NodeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MailboxEntity} keeping offline messages (XEP-0160): handed over in pages, kept until confirmed, its limits
 * and retention. Server notices: {@link MailboxNoticesTest}.
 */
class MailboxEntityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final FullJid JULIET_PHONE = JULIET.withResource("phone");

    final ManualClock clock = new ManualClock(T0);
    final MailboxSettings settings = new MailboxSettings(Duration.ofHours(72), 3, 10_000, Duration.ofMinutes(2),
        "");
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> mailbox =
        EventSourcedBehaviorTestKit.create(testKit.system(),
            MailboxEntity.create(JULIET.toString(), settings, "example.org", clock, shard.getRef()));
    final TestProbe<SessionMessage> session = testKit.createTestProbe();

    @BeforeEach
    void clear() {
        mailbox.clear();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static Message hello(String id, String body) {
        return Message.chat(ROMEO.withResource("r"), JULIET, id, body);
    }

    MailboxEntity.StoreReply store(Message m) {
        return mailbox.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(m, replyTo)).reply();
    }

    @Test
    void anIdleEmptyMailboxWakesOnceToPassivateAtItsIdleTimeoutInsteadOfEveryMinute() {
        // Retention 72 h: the old fixed tick came every minute, so an empty mailbox passivated a minute late at best
        // and woke 60 times an hour while its user sat idle online (issue 18).
        MailboxSettings quick = new MailboxSettings(Duration.ofHours(72), 3, 10_000, Duration.ofSeconds(1), "");
        TestProbe<ClusterSharding.ShardCommand> idleShard = testKit.createTestProbe();
        ManualClock idleClock = new ManualClock(T0);
        ActorRef<MailboxEntity.Command> idle =
            testKit.spawn(MailboxEntity.create("idle@example.org", quick, "example.org", idleClock, idleShard.getRef()));
        // Only once it has started (and read the clock) does time pass; a peek leaves its idle time as it is.
        TestProbe<MailboxEntity.Waiting> peek = testKit.createTestProbe();
        idle.tell(new MailboxEntity.Peek(0, peek.getRef()));
        peek.expectMessageClass(MailboxEntity.Waiting.class);
        idleClock.now = T0.plusSeconds(2);
        idleShard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(10));
    }

    @Test
    void anEmptyMailboxLeavesMemoryRightAfterTheLoginsLookNotAtItsIdleTimeout() {
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(3));
    }

    @Test
    void aMailboxWithSomethingForTheSessionOrACopyToRememberStays() {
        store(hello("1", "one"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        SessionMessage.Offline page = session.expectMessageClass(SessionMessage.Offline.class);
        shard.expectNoMessage(Duration.ofMillis(300));
        // Delivered and confirmed: empty again, it may go at the next look.
        mailbox.runCommand(new MailboxEntity.Forget(page.upToId(), session.getRef(), JULIET_PHONE));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(3));

        // A mailbox that stored a copy its sender may ask again for keeps running to know it, until its idle timeout.
        mailbox.clear();
        mailbox.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(hello("c", "x"), replyTo, "s#1"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        SessionMessage.Offline copy = session.expectMessageClass(SessionMessage.Offline.class);
        mailbox.runCommand(new MailboxEntity.Forget(copy.upToId(), session.getRef(), JULIET_PHONE));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        shard.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void theNodesMetersCountMessagesStoredAndHandedOver() {
        NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
        EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> nurse =
            EventSourcedBehaviorTestKit.create(testKit.system(), MailboxEntity.create("nurse@example.org", settings,
                "example.org", clock, shard.getRef(), MailboxEntity.RowEraser.NONE, metrics));
        nurse.clear();
        for (String id : List.of("1", "2")) {
            nurse.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(hello(id, "x"), replyTo));
        }
        assertEquals(2, metrics.registry().get("chorus.offline.stored").counter().count());
        assertEquals(0, metrics.registry().get("chorus.offline.delivered").counter().count());
        nurse.runCommand(new MailboxEntity.DeliverTo(new BareJid("nurse", "example.org").withResource("r"),
            session.getRef()));
        long upTo = session.expectMessageClass(SessionMessage.Offline.class).upToId();
        // Handed over once the session wrote them, not before.
        assertEquals(0, metrics.registry().get("chorus.offline.delivered").counter().count());
        nurse.runCommand(new MailboxEntity.Forget(upTo));
        nurse.runCommand(new MailboxEntity.Forget(upTo));
        assertEquals(2, metrics.registry().get("chorus.offline.delivered").counter().count());
    }

    @Test
    void anImportedMessageKeepsItsArrivalAndOneWhoseTimeIsOverIsRefused() {
        Instant yesterday = T0.minus(Duration.ofHours(24));
        assertInstanceOf(MailboxEntity.StoreReply.Stored.class, mailbox.<MailboxEntity.StoreReply>runCommand(
            r -> new MailboxEntity.Restore(hello("old", "from before"), yesterday, r)).reply());
        assertEquals(new MailboxEntity.StoreReply.Refused("item-not-found"), mailbox.<MailboxEntity.StoreReply>runCommand(
            r -> new MailboxEntity.Restore(hello("gone", "too old"), T0.minus(Duration.ofHours(73)), r)).reply());
        MailboxEntity.Waiting waiting = mailbox.<MailboxEntity.Waiting>runCommand(r -> new MailboxEntity.Peek(0, r)).reply();
        assertEquals(1, waiting.messages().size());
        assertEquals(yesterday, waiting.messages().get(0).arrivedAt());
        assertEquals(-1, waiting.next());
        // Peeking hands nothing over: the messages still wait for the user.
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        Message m = session.expectMessageClass(SessionMessage.Offline.class).messages().get(0);
        assertEquals("2026-04-30T12:00:00Z", m.child("delay", Ns.DELAY).orElseThrow().attr("stamp"));
    }

    @Test
    void aPeekComesInPagesThatEachStaySmall() {
        MailboxSettings roomy = new MailboxSettings(Duration.ofHours(72), 100, 10_000_000, Duration.ofMinutes(2), "");
        EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> big =
            EventSourcedBehaviorTestKit.create(testKit.system(), MailboxEntity.create("paris@example.org", roomy,
                "example.org", clock, shard.getRef()));
        big.clear();
        for (int i = 0; i < 5; i++) {
            String id = Integer.toString(i);
            big.<MailboxEntity.StoreReply>runCommand(r -> new MailboxEntity.Store(hello(id, "x".repeat(90_000)), r));
        }
        List<String> ids = new java.util.ArrayList<>();
        long after = 0;
        int pages = 0;
        do {
            long from = after;
            MailboxEntity.Waiting w = big.<MailboxEntity.Waiting>runCommand(r -> new MailboxEntity.Peek(from, r)).reply();
            assertTrue(w.messages().size() <= 2, "a page of " + w.messages().size());
            w.messages().forEach(m -> ids.add(m.message().id()));
            after = w.next();
            pages++;
        } while (after >= 0);
        assertEquals(List.of("0", "1", "2", "3", "4"), ids);
        assertEquals(3, pages);
    }

    @Test
    void storedMessagesAreHandedOverInOrderWithTheirArrivalStamp() {
        store(hello("1", "one"));
        clock.now = T0.plusSeconds(60);
        store(hello("2", "two"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        SessionMessage.Offline offline = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(2, offline.messages().size());
        Message first = offline.messages().get(0);
        assertEquals("one", first.body());
        assertEquals(JULIET_PHONE, first.to());
        Element delay = first.child("delay", Ns.DELAY).orElseThrow();
        assertEquals("2026-05-01T12:00:00Z", delay.attr("stamp"));
        assertEquals("example.org", delay.attr("from"));
        assertEquals("2026-05-01T12:01:00Z", offline.messages().get(1).child("delay", Ns.DELAY).orElseThrow().attr("stamp"));
        assertEquals(2, offline.upToId());
    }

    @Test
    void messagesStayUntilTheSessionConfirmsThem() {
        store(hello("1", "one"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectMessageClass(SessionMessage.Offline.class);
        // the session died before writing: nothing is lost, even across a restart
        assertEquals(1, mailbox.restart().state().waiting().size());
        mailbox.runCommand(new MailboxEntity.Forget(1));
        assertTrue(mailbox.restart().state().waiting().isEmpty());
    }

    @Test
    void aSessionAskingAgainWhileItsPageIsOnItsWayGetsWhatArrivedSinceOnceItConfirmsThePage() {
        store(hello("1", "one"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        assertEquals(List.of("one"), session.expectMessageClass(SessionMessage.Offline.class).messages().stream()
            .map(Message::body).toList());
        // stored while the session was becoming available; the entity asks for it once more
        store(hello("2", "two"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectNoMessage(Duration.ofMillis(50));
        mailbox.runCommand(new MailboxEntity.Forget(1));
        SessionMessage.Offline next = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(List.of("two"), next.messages().stream().map(Message::body).toList());
        assertEquals(2, next.upToId());
        mailbox.runCommand(new MailboxEntity.Forget(2));
        session.expectNoMessage(Duration.ofMillis(50));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void aMailboxThatRestartedBetweenTwoPagesSendsTheRestToTheSessionThatConfirmsThePageItHad() {
        MailboxSettings roomy = new MailboxSettings(Duration.ofHours(72), 1000, 10_000_000, Duration.ofMinutes(2), "");
        EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> box =
            EventSourcedBehaviorTestKit.create(testKit.system(),
                MailboxEntity.create("many@example.org", roomy, "example.org", clock, shard.getRef()));
        for (int i = 0; i < OfflinePages.MAX_MESSAGES + 20; i++) {
            Message m = hello("m" + i, "hi " + i);
            box.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(m, replyTo));
        }
        box.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        SessionMessage.Offline first = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(OfflinePages.MAX_MESSAGES, first.messages().size(), "a page holds at most so many messages");
        box.restart();
        // the new incarnation did not send the first page; the session says who it is
        box.runCommand(new MailboxEntity.Forget(first.upToId(), session.getRef(), JULIET_PHONE));
        SessionMessage.Offline rest = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(20, rest.messages().size());
        assertEquals("m" + OfflinePages.MAX_MESSAGES, rest.messages().get(0).id());
    }

    @Test
    void aPageThatWasNeverConfirmedIsSentAgainWhenTheSessionAsksAfterTheTimeout() {
        store(hello("1", "one"));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectMessageClass(SessionMessage.Offline.class);
        clock.now = T0.plus(MailboxEntity.PAGE_TIMEOUT).plusSeconds(1);
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        assertEquals(List.of("one"), session.expectMessageClass(SessionMessage.Offline.class).messages().stream()
            .map(Message::body).toList());
    }

    @Test
    void aFullTenMebibyteMailboxIsHandedOverInPagesThatEachFitAClusterFrame() {
        MailboxSettings big = new MailboxSettings(Duration.ofHours(72), 1000, 10L * 1024 * 1024, Duration.ofMinutes(2), "");
        EventSourcedBehaviorTestKit<MailboxEntity.Command, MailboxEntity.Event, MailboxState> full =
            EventSourcedBehaviorTestKit.create(testKit.system(),
                MailboxEntity.create("full@example.org", big, "example.org", clock, shard.getRef()),
                // commands and events still go through the serializer; the 10 MiB state after each command would not
                new EventSourcedBehaviorTestKit.SerializationSettings(true, false, true, true, false));
        int stored = 0;
        // ~10 KiB each, in 1-, 2- and 3-byte UTF-8 characters: up to the byte cap
        for (int i = 0; ; i++) {
            Message m = hello("m" + i, (i % 3 == 0 ? "a" : i % 3 == 1 ? "é" : "語").repeat(10_000 - 20) + " #" + i);
            MailboxEntity.StoreReply r = full.<MailboxEntity.StoreReply>runCommand(
                replyTo -> new MailboxEntity.Store(m, replyTo)).reply();
            if (!(r instanceof MailboxEntity.StoreReply.Stored)) {
                break;
            }
            stored++;
        }
        assertTrue(stored > 900, "stored " + stored);
        long frame = testKit.system().settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        long budget = chorus.actors.cluster.Frames.get(testKit.system()).budget();
        full.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        List<String> got = new java.util.ArrayList<>();
        int pages = 0;
        while (true) {
            SessionMessage.Offline page = session.expectMessageClass(SessionMessage.Offline.class);
            pages++;
            int bytes = org.apache.pekko.serialization.SerializationExtension.get(testKit.system().classicSystem())
                .serialize(page).get().length;
            assertTrue(bytes <= budget && bytes < frame, "a page of " + bytes + " bytes");
            page.messages().forEach(m -> got.add(m.id()));
            full.runCommand(new MailboxEntity.Forget(page.upToId()));
            if (got.size() == stored) {
                break;
            }
        }
        session.expectNoMessage(Duration.ofMillis(100));
        assertEquals(java.util.stream.IntStream.range(0, stored).mapToObj(i -> "m" + i).toList(), got);
        assertTrue(pages > 10, pages + " pages");
        assertTrue(full.restart().state().waiting().isEmpty());
    }

    @Test
    void aMessageOlderThanTheRetentionIsNeverHandedOver() {
        store(hello("1", "old"));
        clock.now = T0.plus(Duration.ofHours(71));
        store(hello("2", "recent"));
        clock.now = T0.plus(Duration.ofHours(73));
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        SessionMessage.Offline offline = session.expectMessageClass(SessionMessage.Offline.class);
        assertEquals(List.of("recent"), offline.messages().stream().map(Message::body).toList());
        // and it is dropped from the state, by an event, so a recovery does not bring it back
        assertEquals(1, mailbox.restart().state().waiting().size());
    }

    @Test
    void expiredMessagesAreDroppedAfterRecovery() {
        store(hello("1", "old"));
        clock.now = T0.plus(Duration.ofHours(80));
        MailboxState recovered = mailbox.restart().state();
        assertTrue(recovered.unexpired(clock.instant(), settings.retention()).isEmpty());
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectNoMessage(Duration.ofMillis(50));
        assertTrue(mailbox.getState().waiting().isEmpty());
    }

    @Test
    void aFullMailboxRefusesMoreWithResourceConstraintAndKeepsWhatItHas() {
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(MailboxEntity.StoreReply.Stored.class, store(hello("m" + i, "msg " + i)));
        }
        assertEquals(new MailboxEntity.StoreReply.Refused("resource-constraint"), store(hello("m4", "one too many")));
        assertEquals(3, mailbox.getState().waiting().size());
    }

    @Test
    void aCopyAskedAgainAfterATimeoutIsAnsweredStoredWithoutBeingStoredTwice() {
        // The entity's ask timed out while the mailbox was busy, and the sending session sent the message again.
        Message m = hello("c1", "once");
        for (int i = 0; i < 2; i++) {
            assertInstanceOf(MailboxEntity.StoreReply.Stored.class, mailbox.<MailboxEntity.StoreReply>runCommand(
                replyTo -> new MailboxEntity.Store(m, replyTo, "session-a#7")).reply());
        }
        assertEquals(1, mailbox.getState().waiting().size());
        // Another number of the same session is another message, as is a message without a key.
        mailbox.<MailboxEntity.StoreReply>runCommand(replyTo -> new MailboxEntity.Store(m, replyTo, "session-a#8"));
        store(m);
        assertEquals(3, mailbox.getState().waiting().size());
    }

    @Test
    void theByteCapRefusesALargeMessage() {
        assertEquals(new MailboxEntity.StoreReply.Refused("resource-constraint"), store(hello("big", "x".repeat(20_000))));
        assertTrue(mailbox.getState().waiting().isEmpty());
    }

    @Test
    void clearingTheMailboxDropsEverything() {
        store(hello("1", "one"));
        mailbox.<MailboxEntity.Cleared>runCommand(MailboxEntity.Clear::new);
        assertTrue(mailbox.restart().state().waiting().isEmpty());
    }

    @Test
    void aMailboxThatExpiredToEmptySendsNothing() {
        mailbox.runCommand(new MailboxEntity.DeliverTo(JULIET_PHONE, session.getRef()));
        session.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void offlineMessagesArePrintedWithoutTheirBodies() {
        store(hello("1", "a secret body"));
        assertTrue(!mailbox.getState().toString().contains("secret"));
        assertTrue(!mailbox.getState().waiting().get(0).toString().contains("secret"));
    }
}
