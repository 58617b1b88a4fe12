package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.feature.roster.RosterXml;
import chorus.actors.feature.roster.Subscription;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserEntityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final BareJid JULIET = new BareJid("juliet", "example.org");
    static final BareJid ROMEO = new BareJid("romeo", "example.org");
    static final Credentials CREDS = Credentials.derive("secret", 4096, new SecureRandom());

    final LinkedBlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
    final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet =
        EventSourcedBehaviorTestKit.create(testKit.system(), UserEntity.create(JULIET.toString(),
            new UserEntity.Deps(DOMAIN, routed::add, AccountFeatures.of(AccountFeature.of(new PingHandler())),
                Clock.fixed(NOW, ZoneOffset.UTC), UserSettings.defaults(), new InMemoryAccountDirectory(),
                jid -> mailbox.getRef(), (st, c) -> failures.add(st + " " + c)),
            shard.getRef()));

    @BeforeEach
    void createAccount() {
        juliet.clear();
        routed.clear();
        var r = juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(CREDS, replyTo));
        assertInstanceOf(UserEntity.AccountReply.Done.class, r.reply());
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aSecondCreateOfTheSameAccountIsAConflict() {
        var r = juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(CREDS, replyTo));
        assertEquals(new UserEntity.AccountReply.Failed("conflict"), r.reply());
    }

    @Test
    void credentialsSurviveARestart() {
        juliet.restart();
        var r = juliet.<UserEntity.CredentialsReply>runCommand(UserEntity.GetCredentials::new);
        assertTrue(r.reply().credentials().verifyPlain("secret"));
    }

    @Test
    void aRemovedAccountHasNoCredentialsAndClosesItsSessions() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        bind("balcony", s);
        var r = juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        assertInstanceOf(UserEntity.AccountReply.Done.class, r.reply());
        assertEquals("not-authorized", s.expectMessageClass(SessionMessage.Close.class).condition());
        // the entity asks to leave memory (so its journal can be erased); started again it has no account
        shard.expectMessageClass(ClusterSharding.Passivate.class);
        juliet.restart();
        assertNull(juliet.<UserEntity.CredentialsReply>runCommand(UserEntity.GetCredentials::new).reply().credentials());
    }

    @Test
    void bindingATakenResourceEndsTheOlderSessionWithConflict() {
        TestProbe<SessionMessage> first = testKit.createTestProbe();
        TestProbe<SessionMessage> second = testKit.createTestProbe();
        bind("balcony", first);
        UserEntity.BindReply r = bindReply("balcony", second);
        assertEquals(JULIET.withResource("balcony"), ((UserEntity.BindReply.Bound) r).jid());
        assertEquals("conflict", first.expectMessageClass(SessionMessage.Close.class).condition());
    }

    @Test
    void aResumedStreamTakesTheResourceOverSilentlyAndTheOldSessionHandsOver() {
        TestProbe<SessionMessage> old = testKit.createTestProbe();
        TestProbe<SessionMessage> resumed = testKit.createTestProbe();
        available("phone", old, 0);
        juliet.runCommand(new UserEntity.Resumable("phone", old.getRef(), "id-1"));
        var r = juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Resume("id-1", resumed.getRef(), replyTo));
        assertEquals(JULIET.withResource("phone"), ((UserEntity.BindReply.Bound) r.reply()).jid());
        assertEquals(resumed.getRef(), old.expectMessageClass(SessionMessage.HandOver.class).to());
        // The resource stays: a message to it now reaches the new session, tracked as before.
        Message m = Message.chat(ROMEO.withResource("r"), JULIET.withResource("phone"), "m1", "hi");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, resumed.expectMessageClass(SessionMessage.Deliver.class).stanza());
        old.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void anUnknownResumptionIdIsItemNotFound() {
        TestProbe<SessionMessage> old = testKit.createTestProbe();
        TestProbe<SessionMessage> other = testKit.createTestProbe();
        bind("phone", old);
        juliet.runCommand(new UserEntity.Resumable("phone", old.getRef(), "id-1"));
        var r = juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Resume("id-2", other.getRef(), replyTo));
        assertEquals(new UserEntity.BindReply.Refused("item-not-found"), r.reply());
        old.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void bindingATakenResourceIsRefusedWhenOlderSessionsWin() {
        TestProbe<SessionMessage> first = testKit.createTestProbe();
        TestProbe<SessionMessage> second = testKit.createTestProbe();
        bind("balcony", first);
        var r = juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh("balcony", second.getRef(), false, replyTo));
        assertEquals(new UserEntity.BindReply.Refused("conflict"), r.reply());
        first.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void chatToTheBareJidGoesToTheHighestPriorityResourceOnly() {
        TestProbe<SessionMessage> high = testKit.createTestProbe();
        TestProbe<SessionMessage> low = testKit.createTestProbe();
        available("high", high, 5);
        available("low", low, 1);
        drain(high);
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hello");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, high.expectMessageClass(SessionMessage.Deliver.class).stanza());
        low.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void chatToTheBareJidWithoutAvailableResourcesGoesToTheMailbox() {
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hello");
        juliet.runCommand(new UserEntity.Deliver(m));
        MailboxEntity.Store store = mailbox.expectMessageClass(MailboxEntity.Store.class);
        assertEquals(m, store.message());
        store.replyTo().tell(new MailboxEntity.StoreReply.Stored());
        assertNull(pollQuietly());
    }

    @Test
    void aMessageTheMailboxRefusesGoesBackAsResourceConstraint() throws InterruptedException {
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hello");
        juliet.runCommand(new UserEntity.Deliver(m));
        mailbox.expectMessageClass(MailboxEntity.Store.class).replyTo()
            .tell(new MailboxEntity.StoreReply.Refused("resource-constraint"));
        Stanza bounce = routed.poll(2, TimeUnit.SECONDS);
        assertNotNull(bounce);
        assertEquals(ROMEO.withResource("r"), bounce.to());
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, StanzaError.conditionOf(bounce));
    }

    @Test
    void onlyNegativePriorityResourcesMeanTheMessageWaitsInTheMailbox() {
        TestProbe<SessionMessage> neg = testKit.createTestProbe();
        available("neg", neg, -5);
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hi")));
        mailbox.expectMessageClass(MailboxEntity.Store.class);
        neg.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void chatStatesAndHeadlinesForAnOfflineUserAreNotStored() {
        juliet.runCommand(new UserEntity.Deliver(new Message(ROMEO.withResource("r"), JULIET, "c1", Message.Type.CHAT,
            null, List.of(Element.of("composing", "http://jabber.org/protocol/chatstates")))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ROMEO.withResource("r"), JULIET, "h1", Message.Type.HEADLINE,
            null, List.of(Element.build("body", Ns.CLIENT).text("news").get()))));
        juliet.runCommand(new UserEntity.Deliver(new Message(ROMEO.withResource("r"), JULIET, "n1", Message.Type.CHAT,
            null, List.of(Element.build("body", Ns.CLIENT).text("secret").get(), Element.of("no-store", "urn:xmpp:hints")))));
        mailbox.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void initialPresenceWithNonNegativePriorityAsksTheMailboxForWaitingMessages() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of())));
        MailboxEntity.DeliverTo d = mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        assertEquals(me, d.to());
        assertEquals(s.getRef(), d.session());
    }

    @Test
    void theLastPresenceOfASessionStillCountsWhenItsDeathNoticeOvertookIt() throws InterruptedException {
        TestProbe<SessionMessage> leaving = testKit.createTestProbe();
        TestProbe<SessionMessage> staying = testKit.createTestProbe();
        FullJid balcony = bind("balcony", leaving);
        FullJid chamber = bind("chamber", staying);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.AVAILABLE, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null, Presence.Type.AVAILABLE, null, List.of())));
        staying.receiveSeveralMessages(2, Duration.ofSeconds(3));
        // The session stops; its death notice reaches the entity before its last presence and Unbind.
        leaving.stop();
        Thread.sleep(200);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.UNAVAILABLE, null,
            List.of(Element.build("status", Ns.CLIENT).text("gone to bed").get()))));
        juliet.runCommand(new UserEntity.Unbind("balcony", leaving.getRef()));
        SessionMessage.Deliver d = staying.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(3));
        Presence p = (Presence) d.stanza();
        assertEquals(Presence.Type.UNAVAILABLE, p.type());
        assertEquals(balcony, p.from());
        assertEquals("gone to bed", p.child("status", Ns.CLIENT).map(Element::text).orElse(null),
            "the unavailable presence the other resource gets is the session's own, with its status");
        staying.expectNoMessage(Duration.ofMillis(1500));
    }

    @Test
    void aSessionThatDiesWithoutLastWordsEndsAfterTheGrace() {
        TestProbe<SessionMessage> dying = testKit.createTestProbe();
        TestProbe<SessionMessage> staying = testKit.createTestProbe();
        FullJid balcony = bind("balcony", dying);
        FullJid chamber = bind("chamber", staying);
        juliet.runCommand(new UserEntity.FromClient(new Presence(balcony, null, null, Presence.Type.AVAILABLE, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(chamber, null, null, Presence.Type.AVAILABLE, null, List.of())));
        staying.receiveSeveralMessages(2, Duration.ofSeconds(3));
        dying.stop();
        SessionMessage.Deliver d = staying.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(5));
        assertEquals(Presence.Type.UNAVAILABLE, ((Presence) d.stanza()).type());
        assertEquals(balcony, d.stanza().from());
    }

    private Stanza pollQuietly() {
        try {
            return routed.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBouncedMessageLeavesADiagnosticRecordWithoutItsBody() throws InterruptedException {
        Message m = Message.chat(ROMEO.withResource("r"), JULIET.withResource("gone"), "g1", "secret words");
        juliet.runCommand(new UserEntity.Deliver(new Message(m.from(), m.to(), m.id(), Message.Type.GROUPCHAT, null, m.children())));
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).contains("SERVICE_UNAVAILABLE"));
        assertFalse(failures.get(0).contains("secret"));
    }

    @Test
    void aMessageToAnUnknownAccountIsBounced() throws InterruptedException {
        juliet.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new);
        juliet.restart();
        routed.clear();
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hi")));
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(routed.poll(1, TimeUnit.SECONDS)));
    }

    @Test
    void aMessageToAFullJidReachesThatResourceEvenWithNegativePriority() {
        TestProbe<SessionMessage> neg = testKit.createTestProbe();
        available("neg", neg, -1);
        Message m = Message.chat(ROMEO.withResource("r"), JULIET.withResource("neg"), "m1", "hi");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, neg.expectMessageClass(SessionMessage.Deliver.class).stanza());
    }

    @Test
    void anIqToAMissingResourceGetsServiceUnavailable() throws InterruptedException {
        Iq ping = Iq.of(ROMEO.withResource("r"), JULIET.withResource("gone"), "p1", Iq.Type.GET,
            Element.of("ping", PingHandler.NS));
        juliet.runCommand(new UserEntity.Deliver(ping));
        Stanza reply = routed.poll(1, TimeUnit.SECONDS);
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, StanzaError.conditionOf(reply));
    }

    @Test
    void aRosterSetIsPushedToInterestedResourcesAndSurvivesARestart() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(rosterGet(me)));
        Iq result = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals(Iq.Type.RESULT, result.type());

        Element item = Element.build("item", RosterXml.NS).attr("jid", ROMEO.toString()).attr("name", "Romeo").get();
        Iq set = Iq.of(me, null, "set1", Iq.Type.SET, Element.build("query", RosterXml.NS).child(item).get());
        juliet.runCommand(new UserEntity.FromClient(set));
        Iq push = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals(Iq.Type.SET, push.type());
        assertEquals(ROMEO.toString(), push.payload().orElseThrow().elements().get(0).attr("jid"));
        Iq reply = (Iq) s.expectMessageClass(SessionMessage.Deliver.class).stanza();
        assertEquals("set1", reply.id());
        assertEquals(Iq.Type.RESULT, reply.type());

        AccountState after = juliet.restart().state();
        assertEquals("Romeo", after.roster().get(ROMEO).orElseThrow().name());
    }

    @Test
    void subscribingStoresAPendingOutItemAndSendsTheRequestFromTheBareJid() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBE, null, List.of())));
        Presence sent = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(JULIET, sent.from());
        assertEquals(ROMEO, sent.to());
        assertEquals(Presence.Type.SUBSCRIBE, sent.type());
        assertTrue(juliet.getState().roster().get(ROMEO).orElseThrow().askOut());
    }

    @Test
    void anApprovedContactGetsPresenceBroadcastsAndTheInitialPresenceProbesIt() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = bind("balcony", s);
        // Romeo asks, Juliet approves; Juliet asks, Romeo approves: both directions.
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBE)));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBED, null, List.of())));
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, ROMEO, null, Presence.Type.SUBSCRIBE, null, List.of())));
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.SUBSCRIBED)));
        assertEquals(Subscription.BOTH, juliet.getState().roster().get(ROMEO).orElseThrow().subscription());
        routed.clear();

        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of())));
        Presence probe = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.PROBE, probe.type());
        assertEquals(ROMEO, probe.to());
        Presence broadcast = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.AVAILABLE, broadcast.type());
        assertEquals(me, broadcast.from());
        assertEquals(ROMEO, broadcast.to());
    }

    @Test
    void aProbeFromANonSubscriberIsAnsweredWithUnsubscribedAndRevealsNothing() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        available("balcony", s, 0);
        routed.clear();
        juliet.runCommand(new UserEntity.Deliver(Presence.of(ROMEO, JULIET, Presence.Type.PROBE)));
        Presence answer = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.UNSUBSCRIBED, answer.type());
        assertEquals(JULIET, answer.from());
        assertNull(routed.poll(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void aSessionThatGoesAwayMakesItsResourceUnavailableToDirectedPresenceRecipients() throws InterruptedException {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 0);
        Jid room = Jid.parse("room@muc.example.net/juliet");
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, room, null, Presence.Type.AVAILABLE, null, List.of())));
        routed.clear();
        juliet.runCommand(new UserEntity.Unbind("balcony", s.getRef()));
        Presence gone = (Presence) routed.poll(1, TimeUnit.SECONDS);
        assertEquals(Presence.Type.UNAVAILABLE, gone.type());
        assertEquals(room, gone.to());
    }

    @Test
    void aSessionBindingAgainRestoresItsPresenceSilently() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 3);
        juliet.restart();
        Presence before = new Presence(me, null, null, Presence.Type.AVAILABLE, null,
            List.of(Element.build("priority", Ns.CLIENT).text("3").get()));
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("balcony", s.getRef(), true, before, true, replyTo));
        s.expectNoMessage(Duration.ofMillis(100));
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "still there?");
        juliet.runCommand(new UserEntity.Deliver(m));
        assertEquals(m, s.expectMessageClass(SessionMessage.Deliver.class).stanza());
    }

    @Test
    void anAvailableSessionBindingAgainCollectsWhatTheMailboxTookMeanwhile() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        FullJid me = available("balcony", s, 0);
        mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        juliet.restart();
        Presence before = new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of());
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("balcony", s.getRef(), true, before, true, replyTo));
        assertEquals(s.getRef(), mailbox.expectMessageClass(MailboxEntity.DeliverTo.class).session());

        // a session binding again with negative priority, or unavailable, collects nothing
        TestProbe<SessionMessage> quiet = testKit.createTestProbe();
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("quiet", quiet.getRef(), true,
            new Presence(JULIET.withResource("quiet"), null, null, Presence.Type.AVAILABLE, null,
                List.of(Element.build("priority", Ns.CLIENT).text("-1").get())), true, replyTo));
        mailbox.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void aMessageStoredWhileAResourceBecameAvailableIsHandedToItAtOnce() {
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "just missed you");
        juliet.runCommand(new UserEntity.Deliver(m));
        MailboxEntity.Store store = mailbox.expectMessageClass(MailboxEntity.Store.class);
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        available("balcony", s, 1);
        mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        // the store completes after the resource asked the mailbox: it asks once more
        store.replyTo().tell(new MailboxEntity.StoreReply.Stored());
        assertEquals(s.getRef(), mailbox.expectMessageClass(MailboxEntity.DeliverTo.class).session());
    }

    @Test
    void aCopySentAgainWhileTheFirstIsInFlightIsIgnoredAndOnceWrittenIsAcknowledged() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        available("balcony", s, 0);
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "hello");
        juliet.runCommand(new UserEntity.Deliver(m, sender.getRef(), 7));
        SessionMessage.Deliver d = s.expectMessageClass(SessionMessage.Deliver.class);
        assertEquals(m, d.stanza());
        // the receiving session acknowledges end to end, not the entity
        assertEquals(sender.getRef(), d.ackTo());
        assertEquals(7, d.ackSeq());
        juliet.runCommand(new UserEntity.Deliver(m, sender.getRef(), 7));
        s.expectNoMessage(Duration.ofMillis(50));
        sender.expectNoMessage(Duration.ofMillis(50));
        juliet.runCommand(new UserEntity.SessionAck("balcony", d.epoch(), d.seq()));
        juliet.runCommand(new UserEntity.Deliver(m, sender.getRef(), 7));
        assertEquals(new SessionMessage.Accepted(7), sender.receiveMessage());
        s.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void aStoredMessageIsAcknowledgedToItsSenderOnceTheMailboxHasIt() {
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "for later");
        juliet.runCommand(new UserEntity.Deliver(m, sender.getRef(), 3));
        sender.expectNoMessage(Duration.ofMillis(50));
        mailbox.expectMessageClass(MailboxEntity.Store.class).replyTo().tell(new MailboxEntity.StoreReply.Stored());
        assertEquals(new SessionMessage.Accepted(3), sender.receiveMessage());
    }

    @Test
    void aMessageTheMailboxDoesNotStoreInTimeIsLeftToItsSenderToSendAgain() throws InterruptedException {
        UserSettings quick = new UserSettings(Duration.ofMinutes(2), 0, UserSettings.defaults().rosterLimits(),
            Duration.ofMillis(200));
        TestProbe<MailboxEntity.Command> slowMailbox = testKit.createTestProbe();
        var romeo = EventSourcedBehaviorTestKit.<UserEntity.Command, AccountEvent, AccountState>create(
            testKit.system(), UserEntity.create(ROMEO.toString(), new UserEntity.Deps(DOMAIN, routed::add,
                AccountFeatures.of(), Clock.fixed(NOW, ZoneOffset.UTC), quick, new InMemoryAccountDirectory(),
                jid -> slowMailbox.getRef(), DeliveryFailures.NONE), shard.getRef()));
        romeo.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(CREDS, replyTo));
        TestProbe<SessionMessage> sender = testKit.createTestProbe();
        Message m = Message.chat(JULIET.withResource("balcony"), ROMEO, "m1", "are you there?");
        romeo.runCommand(new UserEntity.Deliver(m, sender.getRef(), 5));
        slowMailbox.expectMessageClass(MailboxEntity.Store.class);
        // a copy sent again while the mailbox is storing is not taken twice
        romeo.runCommand(new UserEntity.Deliver(m, sender.getRef(), 5));
        slowMailbox.expectNoMessage(Duration.ofMillis(50));
        // no answer in time: neither an acknowledgement nor an error; the sender still holds it
        sender.expectNoMessage(Duration.ofMillis(400));
        assertNull(routed.poll(50, TimeUnit.MILLISECONDS));
        // its next copy is taken afresh, and acknowledged once stored
        romeo.runCommand(new UserEntity.Deliver(m, sender.getRef(), 5));
        slowMailbox.expectMessageClass(MailboxEntity.Store.class).replyTo().tell(new MailboxEntity.StoreReply.Stored());
        assertEquals(new SessionMessage.Accepted(5), sender.receiveMessage());
    }

    @Test
    void messagesASessionNeverAcknowledgedGoToTheMailboxWhenItDies() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        available("balcony", s, 0);
        mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        Message m = Message.chat(ROMEO.withResource("r"), JULIET, "m1", "in flight");
        juliet.runCommand(new UserEntity.Deliver(m));
        s.expectMessageClass(SessionMessage.Deliver.class);
        juliet.runCommand(new UserEntity.Unbind("balcony", s.getRef()));
        assertEquals(m, mailbox.expectMessageClass(MailboxEntity.Store.class).message());
    }

    @Test
    void acknowledgedMessagesAreNotDeliveredAgain() {
        TestProbe<SessionMessage> s = testKit.createTestProbe();
        available("balcony", s, 0);
        mailbox.expectMessageClass(MailboxEntity.DeliverTo.class);
        juliet.runCommand(new UserEntity.Deliver(Message.chat(ROMEO.withResource("r"), JULIET, "m1", "one")));
        SessionMessage.Deliver d = s.expectMessageClass(SessionMessage.Deliver.class);
        juliet.runCommand(new UserEntity.SessionAck("balcony", d.epoch(), d.seq()));
        juliet.runCommand(new UserEntity.Unbind("balcony", s.getRef()));
        mailbox.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void anEntityWithoutSessionsAsksItsShardToPassivateIt() {
        UserSettings quick = new UserSettings(Duration.ofMillis(100), 0, UserSettings.defaults().rosterLimits());
        TestProbe<ClusterSharding.ShardCommand> probe = testKit.createTestProbe();
        testKit.spawn(UserEntity.create(ROMEO.toString(), new UserEntity.Deps(DOMAIN, routed::add,
            AccountFeatures.of(), Clock.systemUTC(), quick, new InMemoryAccountDirectory(), jid -> mailbox.getRef(),
            DeliveryFailures.NONE),
            probe.getRef()));
        assertInstanceOf(ClusterSharding.Passivate.class, probe.expectMessageClass(ClusterSharding.Passivate.class));
        assertFalse(routed.stream().anyMatch(x -> true));
    }

    private UserEntity.BindReply bindReply(String resource, TestProbe<SessionMessage> session) {
        return juliet.<UserEntity.BindReply>runCommand(
            replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, replyTo)).reply();
    }

    private FullJid bind(String resource, TestProbe<SessionMessage> session) {
        UserEntity.BindReply r = bindReply(resource, session);
        return ((UserEntity.BindReply.Bound) r).jid();
    }

    private FullJid available(String resource, TestProbe<SessionMessage> session, int priority) {
        FullJid me = bind(resource, session);
        Element prio = Element.build("priority", Ns.CLIENT).text(Integer.toString(priority)).get();
        juliet.runCommand(new UserEntity.FromClient(new Presence(me, null, null, Presence.Type.AVAILABLE, null, List.of(prio))));
        // Its own presence comes back to it (RFC 6121 §4.2.2).
        session.expectMessageClass(SessionMessage.Deliver.class);
        drain(session);
        return me;
    }

    private static void drain(TestProbe<SessionMessage> p) {
        try {
            while (true) {
                p.expectMessageClass(SessionMessage.Deliver.class, Duration.ofMillis(30));
            }
        } catch (AssertionError done) {
            // nothing more
        }
    }

    private static Iq rosterGet(FullJid me) {
        return Iq.of(me, null, "r1", Iq.Type.GET, Element.of("query", RosterXml.NS));
    }
}
