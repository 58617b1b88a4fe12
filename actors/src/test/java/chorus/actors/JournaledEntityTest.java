package chorus.actors;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.mailbox.MailboxSettings;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Every event-sourced entity reports a failing journal the same way: the back-off restart that follows a failed
 * write or a failed recovery is counted once under the entity's type, wherever the node points the failures.
 */
class JournaledEntityTest {
    static final ActorTestKit testKit = ActorTestKit.create(
        PersistenceTestKitPlugin.getInstance().config().withFallback(ConfigFactory.load()));
    static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    static final NodeMetrics metrics = new NodeMetrics(new SimpleMeterRegistry());
    static final MailboxSettings SETTINGS = new MailboxSettings(Duration.ofHours(72), 10, 10_000,
        Duration.ofMinutes(2), "");

    static {
        Journaled.Failures.get(testKit.system()).reportTo(metrics::journalFailed);
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static double failures(String entity) {
        return metrics.registry().get("chorus.journal.failures").tag("entity", entity).counter().count();
    }

    ActorRef<MailboxEntity.Command> mailbox(String local) {
        TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
        return testKit.spawn(MailboxEntity.create(new BareJid(local, "example.org").toString(), SETTINGS,
            "example.org", Clock.systemUTC(), shard.getRef()));
    }

    static MailboxEntity.Store store(String local, ActorRef<MailboxEntity.StoreReply> replyTo) {
        return new MailboxEntity.Store(Message.chat(new BareJid("romeo", "example.org").withResource("r"),
            new BareJid(local, "example.org"), "m1", "hello"), replyTo);
    }

    @Test
    void aFailedWriteRestartsTheEntityAndIsCountedOnceUnderItsType() {
        double before = failures("mailbox");
        ActorRef<MailboxEntity.Command> mailbox = mailbox("juliet");
        TestProbe<MailboxEntity.StoreReply> reply = testKit.createTestProbe();
        journal.failNextPersisted();
        mailbox.tell(store("juliet", reply.getRef()));
        reply.expectNoMessage(Duration.ofMillis(300));
        awaitFailures("mailbox", before + 1);
        // After its back-off the entity works again.
        mailbox.tell(store("juliet", reply.getRef()));
        assertInstanceOf(MailboxEntity.StoreReply.Stored.class, reply.receiveMessage(Duration.ofSeconds(5)));
        assertEquals(before + 1, failures("mailbox"));
        assertEquals(0, failures("user"));
    }

    @Test
    void aFailedRecoveryIsCountedToo() {
        double before = failures("mailbox");
        journal.failNextRead();
        ActorRef<MailboxEntity.Command> mailbox = mailbox("nurse");
        awaitFailures("mailbox", before + 1);
        TestProbe<MailboxEntity.StoreReply> reply = testKit.createTestProbe();
        mailbox.tell(store("nurse", reply.getRef()));
        assertInstanceOf(MailboxEntity.StoreReply.Stored.class, reply.receiveMessage(Duration.ofSeconds(5)));
    }

    static void awaitFailures(String entity, double n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (failures(entity) < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(n, failures(entity));
    }
}
