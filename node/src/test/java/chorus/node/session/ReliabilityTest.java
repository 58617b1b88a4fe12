package chorus.node.session;

import chorus.actors.ManualClock;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReliabilityTest {
    static final Jid ROMEO = Jid.parse("romeo@example.org/phone");
    static final Jid JULIET = Jid.parse("juliet@example.org");

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T12:00:00Z"));
    final List<Long> carried = new ArrayList<>();
    /** "seq direct" or "seq via sharding" for each time a stanza was handed on. */
    final List<String> ways = new ArrayList<>();
    final Reliability reliability = new Reliability((m, seq, self, first, direct) -> {
        ways.add(seq + (direct ? " direct" : " via sharding"));
        return carried.add(seq);
    }, clock);

    /**
     * RFC 6120 §10.1 with LocalAccounts (issue 18): a message takes the direct way to a local entity only when nothing
     * sent to the same account waits for acceptance, so it never overtakes one on sharding's longer way (sent while
     * the entity was not listed, or sent again after a miss); resends go through sharding.
     */
    @Test
    void aMessageGoesDirectlyOnlyWhenNothingToTheSameAccountWaitsAndResendsGoThroughSharding() {
        Jid nurse = Jid.parse("nurse@example.org/hall");
        reliability.send(Message.chat(ROMEO, JULIET, "m1", "one"), null);
        reliability.send(Message.chat(ROMEO, JULIET.bare(), "m2", "two"), null);
        reliability.send(Message.chat(ROMEO, nurse, "n1", "to another account"), null);
        reliability.accepted(1);
        reliability.send(Message.chat(ROMEO, JULIET, "m3", "three: m2 still waits"), null);
        reliability.accepted(2);
        reliability.accepted(4);
        reliability.send(Message.chat(ROMEO, Jid.parse("juliet@example.org/balcony"), "m4", "nothing waits"), null);
        assertEquals(List.of("1 direct", "2 via sharding", "3 direct", "4 via sharding", "5 direct"), ways);
        clock.now = clock.now.plus(Reliability.RESEND_AFTER);
        reliability.tick(null);
        assertEquals(List.of("3 via sharding", "5 via sharding"), ways.subList(5, ways.size()), "sent again");
        clock.now = clock.now.plus(Reliability.GIVE_UP);
        reliability.tick(null);
        reliability.send(Message.chat(ROMEO, nurse, "n2", "given up: nothing waits"), null);
        reliability.send(Message.chat(ROMEO, JULIET, "m5", "given up: nothing waits"), null);
        assertEquals(List.of("6 direct", "7 direct"), ways.subList(ways.size() - 2, ways.size()));
    }

    @Test
    void anUnacceptedMessageIsSentAgainThenGivenBackAsAnError() {
        reliability.send(Message.chat(ROMEO, JULIET, "m1", "hello"), null);
        assertEquals(List.of(1L), carried);
        clock.now = clock.now.plus(Duration.ofSeconds(4));
        assertTrue(reliability.tick(null).isEmpty());
        assertEquals(List.of(1L), carried, "sent again too early");
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        reliability.tick(null);
        assertEquals(List.of(1L, 1L), carried);
        clock.now = clock.now.plus(Reliability.GIVE_UP);
        List<Stanza> failed = reliability.tick(null);
        assertEquals(1, failed.size());
        assertEquals(StanzaError.Condition.RECIPIENT_UNAVAILABLE, StanzaError.conditionOf(failed.get(0)));
        assertEquals(ROMEO, failed.get(0).to());
        assertFalse(reliability.hasPending());
    }

    /**
     * An IQ between accounts waits for its recipient's entity as a message does: sent again, then a request gets
     * recipient-unavailable (RFC 6120 §8.2.3: answered, not left without an answer), and an answer is dropped.
     */
    @Test
    void anUntakenIqRequestIsSentAgainThenAnsweredWithAnErrorAndAnUntakenAnswerIsDropped() {
        reliability.send(Iq.of(ROMEO, JULIET, "i1", Iq.Type.GET, Element.of("ping", "urn:xmpp:ping")), null);
        reliability.send(new Iq(ROMEO, JULIET, "r1", Iq.Type.RESULT, null, List.of()), null);
        clock.now = clock.now.plus(Reliability.RESEND_AFTER);
        assertTrue(reliability.tick(null).isEmpty());
        assertEquals(List.of(1L, 2L, 1L, 2L), carried);
        clock.now = clock.now.plus(Reliability.GIVE_UP);
        List<Stanza> failed = reliability.tick(null);
        assertEquals(1, failed.size(), failed.toString());
        assertEquals("i1", failed.get(0).id());
        assertEquals(Iq.Type.ERROR, ((Iq) failed.get(0)).type());
        assertEquals(StanzaError.Condition.RECIPIENT_UNAVAILABLE, StanzaError.conditionOf(failed.get(0)));
        assertEquals(ROMEO, failed.get(0).to());
        assertFalse(reliability.hasPending());
    }

    @Test
    void anAcceptedMessageIsNeitherSentAgainNorGivenBack() {
        reliability.send(Message.chat(ROMEO, JULIET, "m1", "hello"), null);
        reliability.accepted(1);
        clock.now = clock.now.plus(Reliability.GIVE_UP);
        assertTrue(reliability.tick(null).isEmpty());
        assertEquals(List.of(1L), carried);
    }

    @Test
    void whileTheNodeStopsAMessageIsSentAgainSooner() {
        reliability.send(Message.chat(ROMEO, JULIET, "m1", "hello"), null);
        clock.now = clock.now.plus(Reliability.RESEND_WHILE_STOPPING);
        reliability.tick(null, Reliability.RESEND_WHILE_STOPPING);
        assertEquals(List.of(1L, 1L), carried);
        assertEquals(1, reliability.abandon().size());
        assertFalse(reliability.hasPending());
    }

    @Test
    void theLastWrittenMessageIsAcknowledgedOnceAndANewEpochStartsOver() {
        reliability.written(1, 3);
        reliability.written(1, 2);
        assertEquals(3, reliability.ackDue("phone").upToSeq());
        assertEquals(null, reliability.ackDue("phone"));
        reliability.written(2, 1);
        assertEquals(2, reliability.ackDue("phone").epoch());
    }

    @Test
    void aSessionIsSettledOnlyWhenNothingWaitsForAcceptanceWritingOrTheEntitysAck() {
        assertTrue(reliability.settled(), "a new session");
        reliability.send(Message.chat(ROMEO, JULIET, "m1", "hello"), null);
        assertFalse(reliability.settled(), "a message waits for acceptance");
        reliability.accepted(1);
        assertTrue(reliability.settled());
        reliability.submitted(7, 3);
        assertFalse(reliability.settled(), "handed to the transport, not yet written");
        reliability.written(7, 3);
        assertFalse(reliability.settled(), "written, the entity not yet told");
        assertEquals(3, reliability.ackDue("balcony").upToSeq());
        assertTrue(reliability.settled());
        reliability.submitted(8, 1);
        assertFalse(reliability.settled(), "a new epoch (the session bound again) counts afresh");
        reliability.written(8, 1);
        reliability.ackDue("balcony");
        assertTrue(reliability.settled());
    }
}
