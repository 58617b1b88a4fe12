package chorus.node.login;

import chorus.actors.user.UserEntity;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A login's question asked again while it is lost (an entity on a node that died), within its timeout. */
class CredentialsLookupTest {
    static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.load());

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /** An entity that loses the first {@code lost} questions, as a dead node does, and answers the rest. */
    static Behavior<UserEntity.Command> losing(int lost, AtomicInteger asked) {
        return Behaviors.receiveMessage(m -> {
            if (m instanceof UserEntity.GetCredentials g && asked.incrementAndGet() > lost) {
                g.replyTo().tell(new UserEntity.CredentialsReply(null));
            }
            return Behaviors.same();
        });
    }

    @Test
    void aQuestionLostTwiceIsAskedAgainAndAnswered() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        ActorRef<UserEntity.Command> entity = testKit.spawn(losing(2, asked));
        UserEntity.CredentialsReply reply = CredentialsLookup.ask(entity, System.nanoTime()
                + Duration.ofSeconds(5).toNanos(), Duration.ofMillis(300), testKit.system().scheduler(), MemberRemovals.NONE)
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertNull(reply.credentials(), "the entity's answer (no such account)");
        assertEquals(3, asked.get(), "asked three times");
    }

    @Test
    void anEntityThatNeverAnswersFailsTheLookupAtItsTimeout() {
        AtomicInteger asked = new AtomicInteger();
        ActorRef<UserEntity.Command> entity = testKit.spawn(losing(Integer.MAX_VALUE, asked));
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> CredentialsLookup.ask(entity,
                System.nanoTime() + Duration.ofMillis(1000).toNanos(), Duration.ofMillis(300),
                testKit.system().scheduler(), MemberRemovals.NONE)
            .toCompletableFuture().get(10, TimeUnit.SECONDS));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(tookMs >= 1000, "not before its timeout: " + tookMs + " ms");
        assertTrue(asked.get() >= 3, "asked again every 300 ms until then: " + asked.get());
    }

    @Test
    void aQuestionInFlightIsAskedAgainWhenAMemberIsRemovedAndLeavesNoWaiterBehind() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        ActorRef<UserEntity.Command> entity = testKit.spawn(losing(1, asked));
        MemberRemovals removals = new MemberRemovals();
        // One try lasts a minute: only the removal can bring the second question before the test's 10 s.
        java.util.concurrent.CompletableFuture<UserEntity.CredentialsReply> reply = CredentialsLookup.ask(entity,
                System.nanoTime() + Duration.ofMinutes(2).toNanos(), Duration.ofMinutes(1), testKit.system().scheduler(),
                removals).toCompletableFuture();
        while (asked.get() < 1) {
            Thread.sleep(10);
        }
        assertEquals(1, removals.waiting());
        removals.removed();
        assertNull(reply.get(10, TimeUnit.SECONDS).credentials());
        assertEquals(2, asked.get());
        assertEquals(0, removals.waiting(), "a finished lookup waits for no removal");
    }
}
