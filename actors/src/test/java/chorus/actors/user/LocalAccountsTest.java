package chorus.actors.user;

import chorus.actors.account.Credentials;
import chorus.actors.cluster.Frames;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.ping.PingHandler;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.persistence.accounts.InMemoryAccountDirectory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An account's entity running on this node takes acknowledged deliveries directly, skipping sharding (issue 18), from
 * the end of its recovery until it asks to be passivated or is told to stop; from then on they go through sharding,
 * which holds them while the entity moves.
 */
class LocalAccountsTest {
    private static final ActorTestKit KIT =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    private static final DomainJid DOMAIN = new DomainJid("example.org");
    private static final BareJid ROMEO = new BareJid("romeo", "example.org");

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private record Entity(ActorRef<UserEntity.Command> ref, TestProbe<ClusterSharding.ShardCommand> shard,
                          TestProbe<MailboxEntity.Command> mailbox) {
    }

    private static Entity spawn(BareJid jid, Duration idleTimeout) {
        TestProbe<ClusterSharding.ShardCommand> shard = KIT.createTestProbe();
        TestProbe<MailboxEntity.Command> mailbox = KIT.createTestProbe();
        LinkedBlockingQueue<Stanza> routed = new LinkedBlockingQueue<>();
        ActorRef<UserEntity.Command> ref = KIT.spawn(UserEntity.create(jid.toString(),
            new UserEntity.Deps(DOMAIN, routed::add, AccountFeatures.of(AccountFeature.of(new PingHandler())),
                Clock.systemUTC(), new UserSettings(idleTimeout, 50, UserSettings.defaults().rosterLimits()),
                new InMemoryAccountDirectory(), j -> mailbox.getRef(), (st, c) -> { }),
            shard.getRef()));
        TestProbe<UserEntity.AccountReply> reply = KIT.createTestProbe();
        ref.tell(new UserEntity.CreateAccount(Credentials.derive("secret", 4096, new SecureRandom()), reply.getRef()));
        assertInstanceOf(UserEntity.AccountReply.Done.class, reply.receiveMessage());
        return new Entity(ref, shard, mailbox);
    }

    @Test
    void aRecoveredEntityTakesAnAcknowledgedDeliveryWithoutSharding() {
        BareJid juliet = new BareJid("juliet", "example.org");
        Entity e = spawn(juliet, Duration.ofMinutes(2));
        LocalAccounts local = LocalAccounts.get(KIT.system());
        assertEquals(e.ref(), local.get(juliet.toString()));

        // No sharding at all: the delivery can only have gone straight to the entity, which (no resource online)
        // asks the mailbox to store it.
        ShardedAccounts accounts = new ShardedAccounts(null, Frames.get(KIT.system()), local);
        TestProbe<SessionMessage> sender = KIT.createTestProbe();
        Message m = Message.chat(ROMEO.withResource("balcony"), juliet, "m1", "hello");
        accounts.deliverAcknowledged(juliet, m, sender.getRef(), 7, true);
        MailboxEntity.Store store = e.mailbox().expectMessageClass(MailboxEntity.Store.class);
        assertEquals("m1", store.message().id());
    }

    @Test
    void anEntityToldToStopIsNoLongerReachedDirectly() {
        BareJid nurse = new BareJid("nurse", "example.org");
        Entity e = spawn(nurse, Duration.ofMinutes(2));
        LocalAccounts local = LocalAccounts.get(KIT.system());
        assertEquals(e.ref(), local.get(nurse.toString()));
        e.ref().tell(UserEntity.Stop.INSTANCE);
        KIT.createTestProbe().expectTerminated(e.ref());
        assertNull(local.get(nurse.toString()));
    }

    /**
     * RFC 6120 §10.1: a direct delivery that reached the entity's mailbox behind sharding's stop message is handled by
     * this incarnation, not lost and sent again later, behind what sharding held meanwhile for the next incarnation.
     * The entity is kept busy so that the stop waits in its mailbox while the deliveries are told.
     */
    @Test
    void everyDirectDeliveryTakenBeforeTheEntityWentIsHandledBeforeItStops() {
        BareJid mercutio = new BareJid("mercutio", "example.org");
        Entity e = spawn(mercutio, Duration.ofMinutes(2));
        LocalAccounts local = LocalAccounts.get(KIT.system());
        TestProbe<SessionMessage> sender = KIT.createTestProbe();
        int busy = 500;
        for (int i = 0; i < busy; i++) {
            e.ref().tell(new UserEntity.Deliver(Message.chat(ROMEO.withResource("hall"), mercutio, "b" + i, "hi")));
        }
        int taken = 0;
        e.ref().tell(UserEntity.Stop.INSTANCE);
        for (int i = 0; i < 200; i++) {
            if (local.tell(mercutio.toString(), new UserEntity.Deliver(
                Message.chat(ROMEO.withResource("balcony"), mercutio, "m" + i, "hi"), sender.getRef(), i))) {
                taken++;
            }
        }
        assertTrue(taken > 0, "the stop was still waiting behind the busy work");
        for (int i = 0; i < busy; i++) {
            assertEquals("b" + i, e.mailbox().expectMessageClass(MailboxEntity.Store.class).message().id());
        }
        for (int i = 0; i < taken; i++) {
            assertEquals("m" + i, e.mailbox().expectMessageClass(MailboxEntity.Store.class).message().id(),
                "handled, in order");
        }
        KIT.createTestProbe().expectTerminated(e.ref());
        assertEquals(false, local.tell(mercutio.toString(), UserEntity.Stop.INSTANCE), "gone: not taken");
    }

    @Test
    void anEntityThatAsksToBePassivatedIsNoLongerReachedDirectlyAlthoughItStillRuns() {
        BareJid tybalt = new BareJid("tybalt", "example.org");
        Entity e = spawn(tybalt, Duration.ofMillis(300));
        // No session: after the idle timeout the entity asks its shard to passivate it, and is off the list already.
        e.shard().expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(5));
        assertNull(LocalAccounts.get(KIT.system()).get(tybalt.toString()));
    }
}
