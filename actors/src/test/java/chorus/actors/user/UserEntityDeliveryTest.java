package chorus.actors.user;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UserEntity} delivering stanzas (RFC 6121 §8): to the right resource or the mailbox, bounced with an error
 * otherwise, and acknowledged to their senders once a session wrote them or the mailbox stored them.
 */
class UserEntityDeliveryTest extends UserEntityFixture {
    static final ActorTestKit testKit = newTestKit();

    UserEntityDeliveryTest() {
        super(testKit);
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
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
}
