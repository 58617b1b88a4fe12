package chorus.actors.user;

import chorus.actors.ManualClock;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.carbons.Carbons;
import chorus.actors.feature.carbons.CarbonsFeature;
import chorus.actors.feature.carbons.CarbonsSettings;
import chorus.actors.feature.mam.ArchiveFeature;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import chorus.persistence.archive.InMemoryArchiveStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: the account's sessions send copies of their clients' messages ({@link UserEntity.Sent}) only while a
 * feature wants them (carbons on a resource, archive preferences that keep something), and a session that is to send
 * them knows it before the request that made them wanted is answered: no copy is missed.
 */
class UserEntitySentCopiesTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final BareJid JULIET = UserEntityTest.JULIET;

    final ManualClock clock = new ManualClock(UserEntityTest.NOW);
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final TestProbe<MailboxEntity.Command> mailbox = testKit.createTestProbe();
    final TestProbe<SessionMessage> balcony = testKit.createTestProbe();
    final TestProbe<SessionMessage> garden = testKit.createTestProbe();
    /** What the entity routed (the archive's answers go through the router); each notes what the sessions had then. */
    final java.util.concurrent.BlockingQueue<chorus.actors.xmpp.Stanza> routed =
        new java.util.concurrent.LinkedBlockingQueue<>();
    EventSourcedBehaviorTestKit<UserEntity.Command, AccountEvent, AccountState> juliet;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    UserEntity.Deps deps() {
        return new UserEntity.Deps(UserEntityTest.DOMAIN, routed::add,
            AccountFeatures.of(new CarbonsFeature(CarbonsSettings.defaults()),
                new ArchiveFeature(MamSettings.defaults(), new InMemoryArchiveStore(clock, Duration.ofHours(72)))),
            clock, UserSettings.defaults(), new InMemoryAccountDirectory(), jid -> mailbox.getRef(),
            DeliveryFailures.NONE);
    }

    @BeforeEach
    void start() {
        juliet = EventSourcedBehaviorTestKit.create(testKit.system(),
            UserEntity.create(JULIET.toString(), deps(), shard.getRef()));
        juliet.<UserEntity.AccountReply>runCommand(replyTo -> new UserEntity.CreateAccount(UserEntityTest.CREDS, replyTo));
    }

    void bind(String resource, TestProbe<SessionMessage> session) {
        juliet.<UserEntity.BindReply>runCommand(replyTo -> UserEntity.Bind.fresh(resource, session.getRef(), true, replyTo));
    }

    /** The entity gets the copy of a message the resource's client sent (as its session sends it, until told). */
    void sendsCopy(String resource) {
        juliet.runCommand(new UserEntity.Sent(
            Message.chat(JULIET.withResource(resource), UserEntityTest.ROMEO, "s-" + resource, "hi")));
    }

    /** Everything the session has been told so far, in order. */
    static List<SessionMessage> told(TestProbe<SessionMessage> session) {
        List<SessionMessage> out = new ArrayList<>();
        try {
            while (true) {
                out.add(session.receiveMessage(Duration.ofMillis(200)));
            }
        } catch (AssertionError quiet) {
            return out;
        }
    }

    /** The last notice about copies among what the session was told, or null. */
    static Boolean copies(List<SessionMessage> told) {
        Boolean last = null;
        for (SessionMessage m : told) {
            if (m instanceof SessionMessage.SentCopies c) {
                last = c.wanted();
            }
        }
        return last;
    }

    Iq request(String resource, Element payload) {
        return Iq.of(JULIET.withResource(resource), null, payload.name() + "-1", Iq.Type.SET, payload);
    }

    /** Runs a request of a resource and returns what its session was told up to and including the answer. */
    List<SessionMessage> answered(String resource, TestProbe<SessionMessage> session, Element payload) {
        juliet.runCommand(new UserEntity.FromClient(request(resource, payload)));
        List<SessionMessage> got = new ArrayList<>();
        do {
            got.add(session.receiveMessage(Duration.ofSeconds(3)));
        } while (!(got.get(got.size() - 1) instanceof SessionMessage.Deliver d && d.stanza() instanceof Iq));
        return got;
    }

    @Test
    void aSessionIsToldToSendNoCopiesOnceOneArrivedThatNothingWanted() {
        bind("balcony", balcony);
        assertEquals(null, copies(told(balcony)), "a new session sends copies until told otherwise");
        sendsCopy("balcony");
        assertEquals(List.of(new SessionMessage.SentCopies(false)), told(balcony),
            "no carbons, archive preferences 'never' (the default): told once");
        sendsCopy("balcony");
        assertEquals(List.of(), told(balcony), "not told again");
    }

    @Test
    void whenOneResourceEnablesCarbonsTheOthersSendCopiesBeforeItReadsTheAnswer() {
        bind("balcony", balcony);
        bind("garden", garden);
        sendsCopy("balcony");
        sendsCopy("garden");
        assertEquals(Boolean.FALSE, copies(told(balcony)));
        assertEquals(Boolean.FALSE, copies(told(garden)));
        List<SessionMessage> gardenGot = answered("garden", garden, Element.of("enable", Carbons.NS));
        // The balcony's notice was enqueued before the garden's answer was sent: whatever the balcony's client sends
        // after the garden's client read the answer is handled after the notice.
        List<SessionMessage> balconyGot = balcony.receiveSeveralMessages(1, Duration.ofMillis(1));
        assertEquals(List.of(new SessionMessage.SentCopies(true)), balconyGot,
            "the notice was in the balcony's mailbox by the time the garden had its answer");
        assertTrue(gardenGot.contains(new SessionMessage.SentCopies(true)), "the enabling resource too: " + gardenGot);
        assertEquals(Iq.Type.RESULT, ((Iq) ((SessionMessage.Deliver) gardenGot.get(gardenGot.size() - 1)).stanza()).type());
        sendsCopy("balcony");
        assertEquals(null, copies(told(balcony)), "wanted: the session is not told to stop");

        answered("garden", garden, Element.of("disable", Carbons.NS));
        sendsCopy("balcony");
        assertEquals(Boolean.FALSE, copies(told(balcony)), "nobody wants copies again");
    }

    @Test
    void archivePreferencesThatKeepMessagesMakeCopiesWantedBeforeTheyAreAnswered() throws InterruptedException {
        bind("balcony", balcony);
        bind("garden", garden);
        sendsCopy("balcony");
        sendsCopy("garden");
        told(balcony);
        told(garden);
        juliet.runCommand(new UserEntity.FromClient(request("balcony", MamPrefs.of(MamPrefs.Mode.ROSTER).toElement())));
        Iq answer = (Iq) routed.poll(3, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Iq.Type.RESULT, answer.type(), "the answer goes out through the router");
        // Both notices were enqueued before the answer was routed.
        assertEquals(List.of(new SessionMessage.SentCopies(true)), balcony.receiveSeveralMessages(1, Duration.ofMillis(1)));
        assertEquals(List.of(new SessionMessage.SentCopies(true)), garden.receiveSeveralMessages(1, Duration.ofMillis(1)));
        juliet.runCommand(new UserEntity.FromClient(request("balcony", MamPrefs.of(MamPrefs.Mode.NEVER).toElement())));
        sendsCopy("garden");
        assertEquals(Boolean.FALSE, copies(told(garden)));
        TestProbe<SessionMessage> again = balconyAfter(juliet.restart().state() != null);
        sendsCopy("balcony");
        assertEquals(null, copies(told(again)), "preferences never, but the carbons interest came back with the session");
    }

    /** A fresh session bound after the entity restarted. */
    TestProbe<SessionMessage> balconyAfter(boolean restarted) {
        assertTrue(restarted);
        TestProbe<SessionMessage> again = testKit.createTestProbe();
        juliet.<UserEntity.BindReply>runCommand(replyTo -> new UserEntity.Bind("balcony", again.getRef(), true, null,
            false, replyTo, Set.of(Carbons.NS)));
        return again;
    }

    @Test
    void aSessionBindingAgainWithCarbonsEnabledMakesCopiesWanted() {
        bind("garden", garden);
        sendsCopy("garden");
        assertEquals(Boolean.FALSE, copies(told(garden)));
        balconyAfter(true);
        assertEquals(Boolean.TRUE, copies(told(garden)), "the balcony's carbons interest came back with its session");
    }

    @Test
    void anEntityThatStopsTellsTheSessionsItToldToSendNoneToSendThemAgain() {
        BareJid romeo = UserEntityTest.ROMEO;
        ActorRef<UserEntity.Command> entity = testKit.spawn(UserEntity.create(romeo.toString(), deps(), shard.getRef()));
        TestProbe<UserEntity.AccountReply> created = testKit.createTestProbe();
        entity.tell(new UserEntity.CreateAccount(UserEntityTest.CREDS, created.getRef()));
        created.expectMessageClass(UserEntity.AccountReply.Done.class);
        TestProbe<UserEntity.BindReply> bound = testKit.createTestProbe();
        entity.tell(UserEntity.Bind.fresh("orchard", balcony.getRef(), true, bound.getRef()));
        bound.expectMessageClass(UserEntity.BindReply.Bound.class);
        entity.tell(new UserEntity.Sent(Message.chat(romeo.withResource("orchard"), JULIET, "s1", "hi")));
        assertEquals(Boolean.FALSE, copies(told(balcony)));
        entity.tell(UserEntity.Stop.INSTANCE);
        assertEquals(new SessionMessage.SentCopies(true), balcony.expectMessageClass(SessionMessage.SentCopies.class),
            "the next incarnation starts with every session sending copies");
    }
}
