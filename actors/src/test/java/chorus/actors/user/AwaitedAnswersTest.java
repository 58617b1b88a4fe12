package chorus.actors.user;

import chorus.actors.cluster.WireSize;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwaitedAnswersTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AwaitedAnswers awaited = new AwaitedAnswers(now::get);

    static Iq answer(String id) {
        return Iq.of(Jid.parse("example.net"), Jid.parse("juliet@example.com/balcony"), id, Iq.Type.RESULT, null);
    }

    @Test
    void anAnswerForAResourceThatBindsAgainSoonIsHandedOverOnceAndOnlyToIt() {
        awaited.keep("balcony", answer("a1"));
        awaited.keep("garden", answer("g1"));
        awaited.keep("balcony", answer("a2"));
        assertEquals(List.of("a1", "a2"), awaited.bound("balcony").stream().map(Iq::id).toList());
        assertEquals(List.of(), awaited.bound("balcony"));
        assertEquals(List.of("g1"), awaited.bound("garden").stream().map(Iq::id).toList());
    }

    @Test
    void afterTheGraceOrBeyondTheLimitAnswersAreDroppedAsBefore() {
        for (int i = 0; i < AwaitedAnswers.MAX + 5; i++) {
            awaited.keep("balcony", answer("x" + i));
        }
        assertEquals(AwaitedAnswers.MAX, awaited.bound("balcony").size());
        awaited.keep("balcony", answer("late"));
        now.addAndGet(AwaitedAnswers.GRACE.toNanos());
        assertEquals(List.of(), awaited.bound("balcony"));
        awaited.keep("balcony", answer("later"));
        assertEquals(List.of(), awaited.bound("balcony"));
    }

    @Test
    void answersBeyondTheirBytesAreDroppedAndHandingOverMakesRoomAgain() {
        Element big = Element.build("query", "urn:example:big").text("x".repeat(9000)).get();
        Iq large = Iq.of(Jid.parse("example.net"), Jid.parse("juliet@example.com/balcony"), "big", Iq.Type.RESULT, big);
        for (int i = 0; i < AwaitedAnswers.MAX; i++) {
            awaited.keep("garden", large);
        }
        int fit = awaited.bound("garden").size();
        assertTrue(fit >= 1 && fit < AwaitedAnswers.MAX, "kept " + fit + " answers of ~27 KB bound each");
        assertTrue(fit * WireSize.of(large) <= AwaitedAnswers.MAX_BYTES);
        awaited.keep("balcony", large);
        assertEquals(1, awaited.bound("balcony").size(), "room again once the garden's were handed over");
    }
}
