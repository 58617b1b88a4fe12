package chorus.node.session;

import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static chorus.node.session.SessionFixture.BALCONY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bound session whose account's entity stopped (its node died) binds again to wherever the entity runs next, and
 * keeps asking while its questions go unanswered (lost with the dead node, or waiting for the entity's shard). A
 * stream's first bind does the same within {@link BindQuestion#WITHIN}: its question may be lost in a shard's hand-off.
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

    @Test
    void aFirstBindLostOnItsWayIsAskedAgainAndTheClientGetsItsResource() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.readyToBind(transport, f.context(Duration.ofMinutes(1), List.of()));
        session.tell(SessionFixture.element(SessionFixture.bindRequest("balcony")));
        UserEntity.Bind lost = f.entityGets(UserEntity.Bind.class);
        long askedAt = System.nanoTime();
        UserEntity.Bind again = f.entityGets(UserEntity.Bind.class);
        long afterMs = (System.nanoTime() - askedAt) / 1_000_000;
        assertTrue(afterMs >= EntityBinding.REBIND_TRY.toMillis() - 200, "not before the try's end: " + afterMs);
        assertEquals(lost.resource(), again.resource());
        assertEquals(lost.session(), again.session());
        again.replyTo().tell(new UserEntity.BindReply.Bound(BALCONY, f.entity.getRef()));
        Iq result = transport.next(Iq.class);
        assertEquals(Iq.Type.RESULT, result.type());
        assertEquals(BALCONY.toString(), result.payload().orElseThrow().childText("jid", Ns.BIND).orElseThrow());
    }

    @Test
    void aFirstBindNobodyAnswersFailsWithAnErrorOnceItsTimeIsUp() throws InterruptedException {
        RecordingTransport transport = new RecordingTransport(false, true);
        ActorRef<SessionInput> session = f.readyToBind(transport, f.context(Duration.ofMinutes(1), List.of()));
        long start = System.nanoTime();
        session.tell(SessionFixture.element(SessionFixture.bindRequest("balcony")));
        int tries = 0;
        Iq error = null;
        while (error == null && System.nanoTime() - start < Duration.ofSeconds(15).toNanos()) {
            if (transport.sent.poll(50, TimeUnit.MILLISECONDS) instanceof Iq iq) {
                error = iq;
            }
            try {
                if (f.entity.receiveMessage(Duration.ofMillis(50)) instanceof UserEntity.Bind) {
                    tries++;
                }
            } catch (AssertionError nothing) {
                // no question this moment
            }
        }
        assertNotNull(error, "the client heard nothing");
        assertEquals(Iq.Type.ERROR, error.type());
        assertTrue(error.children().stream().anyMatch(n -> n instanceof Element e
            && e.child(StanzaError.Condition.INTERNAL_SERVER_ERROR.xml(), Ns.STANZAS).isPresent()), error.toString());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        // Asked every REBIND_TRY within WITHIN: at 0, 3, 6 and 9 s; the error comes at 10 s, not later.
        assertEquals(4, tries);
        assertTrue(tookMs >= BindQuestion.WITHIN.toMillis() - 200 && tookMs < BindQuestion.WITHIN.toMillis() + 2000,
            "failed after " + tookMs + " ms");
    }
}
