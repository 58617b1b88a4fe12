package chorus.actors.user;

import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link UserEntity}: the account's life (create, remove, restart), binding resources (conflicts, XEP-0198 resumption,
 * the resource limit), and when the entity leaves memory.
 */
class UserEntityTest extends UserEntityFixture {
    static final ActorTestKit testKit = newTestKit();

    UserEntityTest() {
        super(testKit);
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

    /**
     * Where journals are erased (Cassandra), a removed account's journal that is still there holds its name: neither
     * a registration nor an import (XEP-0227) may continue it. In memory (the default settings here) nothing erases
     * journals, and the name is free at once (the test above).
     */
    @Test
    void aRemovedAccountsJournalNotYetErasedRefusesANewAccountOfTheName() {
        UserSettings erasing = new UserSettings(Duration.ofMinutes(2), 0, UserSettings.defaults().rosterLimits(),
            Duration.ofSeconds(10), true);
        var romeo = org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.<UserEntity.Command,
            chorus.actors.feature.AccountEvent, AccountState>create(testKit.system(), UserEntity.create(ROMEO.toString(),
            new UserEntity.Deps(DOMAIN, routed::add, AccountFeatures.of(), Clock.systemUTC(), erasing,
                new InMemoryAccountDirectory(), jid -> mailbox.getRef(), DeliveryFailures.NONE), shard.getRef()));
        assertInstanceOf(UserEntity.AccountReply.Done.class,
            romeo.<UserEntity.AccountReply>runCommand(r -> new UserEntity.CreateAccount(CREDS, r)).reply());
        assertInstanceOf(UserEntity.AccountReply.Done.class,
            romeo.<UserEntity.AccountReply>runCommand(UserEntity.RemoveAccount::new).reply());
        romeo.restart();
        assertEquals(new UserEntity.AccountReply.Failed(UserEntity.NOT_ERASED),
            romeo.<UserEntity.AccountReply>runCommand(r -> new UserEntity.CreateAccount(CREDS, r)).reply());
        assertEquals(new UserEntity.Imported.Refused("conflict"), romeo.<UserEntity.Imported>runCommand(
            r -> new UserEntity.ImportAccount(CREDS, java.util.List.of(), r)).reply());
        assertNull(romeo.<UserEntity.CredentialsReply>runCommand(UserEntity.GetCredentials::new).reply().credentials());
        romeo.clear(); // the journal erased: the name is free
        romeo.restart();
        assertInstanceOf(UserEntity.AccountReply.Done.class,
            romeo.<UserEntity.AccountReply>runCommand(r -> new UserEntity.CreateAccount(CREDS, r)).reply());
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

    @Test
    void anAccountWithAsManyResourcesAsItMayHaveGetsResourceConstraintForOneMore() {
        TestProbe<SessionMessage> a = testKit.createTestProbe();
        TestProbe<SessionMessage> b = testKit.createTestProbe();
        TestProbe<SessionMessage> c = testKit.createTestProbe();
        assertInstanceOf(UserEntity.BindReply.Bound.class, limitedBind("one", a, 2));
        assertInstanceOf(UserEntity.BindReply.Bound.class, limitedBind("two", b, 2));
        // RFC 6120 §7.6.2.1
        assertEquals(new UserEntity.BindReply.Refused("resource-constraint"), limitedBind("three", c, 2));
        // Taking over one of the two resources adds none: allowed.
        assertInstanceOf(UserEntity.BindReply.Bound.class, limitedBind("two", c, 2));
        assertEquals("conflict", b.expectMessageClass(SessionMessage.Close.class).condition());
        // A session binding again (its entity moved) asks without a limit.
        TestProbe<SessionMessage> d = testKit.createTestProbe();
        assertInstanceOf(UserEntity.BindReply.Bound.class, juliet.<UserEntity.BindReply>runCommand(
            replyTo -> new UserEntity.Bind("four", d.getRef(), true, null, false, replyTo)).reply());
    }

    @Test
    void theEntityOfANameThatIsNoAccountLeavesMemoryRightAfterItAnswered() {
        TestProbe<ClusterSharding.ShardCommand> itsShard = testKit.createTestProbe();
        var nobody = EventSourcedBehaviorTestKit.<UserEntity.Command, AccountEvent, AccountState>create(testKit.system(),
            UserEntity.create("made-up-123@example.org", new UserEntity.Deps(DOMAIN, routed::add,
                AccountFeatures.of(AccountFeature.of(new PingHandler())), Clock.fixed(NOW, ZoneOffset.UTC),
                UserSettings.defaults(), new InMemoryAccountDirectory(), jid -> mailbox.getRef(), (st, c) -> { }),
                itsShard.getRef()));
        assertNull(nobody.<UserEntity.CredentialsReply>runCommand(UserEntity.GetCredentials::new).reply().credentials());
        // Not the account's two minutes of idle time: it asks to leave at once.
        itsShard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(2));
    }

    @Test
    void anExistingAccountWithoutSessionsStaysForItsIdleTime() {
        juliet.restart();
        juliet.runCommand(UserEntity.GetCredentials::new);
        shard.expectNoMessage(Duration.ofMillis(600));
    }

    @Test
    void anAnswerThatReachesANewIncarnationBeforeItsSessionBindsAgainIsHandedOverWhenItDoes() {
        // The entity moved (its node died): a new incarnation, and the session has not bound to it yet.
        juliet.restart();
        chorus.actors.xmpp.FullJid balcony = JULIET.withResource("balcony");
        juliet.runCommand(new UserEntity.Deliver(Iq.of(chorus.actors.xmpp.Jid.parse("example.net"), balcony, "ping-1",
            Iq.Type.RESULT, null)));
        TestProbe<SessionMessage> session = testKit.createTestProbe();
        assertInstanceOf(UserEntity.BindReply.Bound.class, juliet.<UserEntity.BindReply>runCommand(
            replyTo -> new UserEntity.Bind("balcony", session.getRef(), true, null, false, replyTo)).reply());
        Iq handed = null;
        for (int i = 0; i < 5 && handed == null; i++) {
            SessionMessage.Deliver d = session.expectMessageClass(SessionMessage.Deliver.class, Duration.ofSeconds(2));
            if (d.stanza() instanceof Iq iq && "ping-1".equals(iq.id())) {
                handed = iq;
            }
        }
        assertNotNull(handed, "the answer kept for the resource reached its session");
    }
}
