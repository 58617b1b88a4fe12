package chorus.node.session;

import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static chorus.node.session.SessionFixture.BALCONY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bound session whose account's entity stopped (its node died) binds again to wherever the entity runs next, and
 * keeps asking while its questions go unanswered (lost with the dead node, or waiting for the entity's shard).
 */
class EntityMovesTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    final SessionFixture f = new SessionFixture(testKit);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void aSessionWhoseEntityDiedAsksAgainEveryFewSecondsUntilTheNewOneAnswers() throws InterruptedException {
        TestProbe<UserEntity.Command> firstIncarnation = testKit.createTestProbe();
        f.bound(new RecordingTransport(false, true), f.context(Duration.ofMinutes(1), List.of()),
            firstIncarnation.getRef());
        firstIncarnation.stop();
        UserEntity.Bind lost = f.entityGets(UserEntity.Bind.class);
        assertEquals("balcony", lost.resource());
        long askedAt = System.nanoTime();
        // Unanswered: asked again after one try (EntityBinding.REBIND_TRY), not after a long timeout.
        UserEntity.Bind again = f.entityGets(UserEntity.Bind.class);
        long afterMs = (System.nanoTime() - askedAt) / 1_000_000;
        assertTrue(afterMs >= EntityBinding.REBIND_TRY.toMillis() - 200, "not before the try's end: " + afterMs);
        assertTrue(afterMs < EntityBinding.REBIND_TRY.toMillis() * 2, "asked again at once: " + afterMs + " ms");
        again.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, f.entity.getRef()));
        f.entityGetsNo(UserEntity.Bind.class, Duration.ofMillis(EntityBinding.REBIND_TRY.toMillis() + 1000));
    }
}
