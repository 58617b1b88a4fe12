package chorus.node.session;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamManagementTest {
    static Stanza message(String id) {
        return new Message(null, new BareJid("romeo", "chorus.test"), id, Message.Type.CHAT, null, List.of());
    }

    static StreamManagement sm(int max) {
        return new StreamManagement("abc", Duration.ofSeconds(300), max);
    }

    @Test
    void acknowledgedStanzasLeaveTheQueueAndTheLastTrackedOneIsNamed() {
        StreamManagement sm = sm(100);
        sm.sent(message("1"), 7, 1);
        sm.sent(message("2"), 0, 0);
        sm.sent(message("3"), 7, 2);
        StreamManagement.Ack a = sm.acked(2);
        assertFalse(a.tooHigh());
        assertEquals(7, a.epoch());
        assertEquals(1, a.seq());
        assertEquals(1, sm.unackedCount());
        assertEquals("3", sm.unacked().get(0).stanza().id());
        assertEquals(0, sm.acked(2).seq(), "the same h again acknowledges nothing new");
        assertEquals(2, sm.acked(3).seq());
        assertEquals(0, sm.unackedCount());
    }

    @Test
    void aCountAboveWhatWasSentIsTooHigh() {
        StreamManagement sm = sm(100);
        sm.sent(message("1"), 0, 0);
        assertTrue(sm.acked(2).tooHigh());
        assertFalse(sm.acked(1).tooHigh());
    }

    @Test
    void aQueueOverTheLimitIsForgivenWhileTheClientHasTimeToAnswerTheAckRequest() {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T21:00:00Z");
        StreamManagement sm = sm(10);
        for (int i = 0; i < 11; i++) {
            sm.sent(message("m" + i), 0, 0);
        }
        assertFalse(sm.overLimit(t), "a burst, no request unanswered yet");
        sm.request(t);
        assertFalse(sm.overLimit(t.plus(StreamManagement.ACK_GRACE).minusMillis(1)));
        assertTrue(sm.overLimit(t.plus(StreamManagement.ACK_GRACE)), "the client left the request unanswered");
        sm.acked(5);
        assertFalse(sm.overLimit(t.plus(StreamManagement.ACK_GRACE)), "it answered: back under the limit");
    }

    @Test
    void twiceTheLimitAtOnceEndsTheStreamWithoutGrace() {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T21:00:00Z");
        StreamManagement sm = sm(10);
        for (int i = 0; i < 20; i++) {
            sm.sent(message("m" + i), 0, 0);
        }
        assertFalse(sm.overLimit(t));
        sm.sent(message("one too many"), 0, 0);
        assertTrue(sm.overLimit(t));
    }

    @Test
    void handledCountsWrapAt2To32() {
        StreamManagement sm = StreamManagement.resumed(new SessionMessage.Resumption(false, "abc", 0xFFFFFFFFL,
            0xFFFFFFFFL, List.of(), null, false, List.of(), 300), 100);
        sm.received();
        assertEquals(0, sm.handled());
        sm.sent(message("1"), 0, 0);
        sm.sent(message("2"), 0, 0);
        assertFalse(sm.acked(0).tooHigh(), "h wrapped to 0 covers the first stanza");
        assertEquals(1, sm.unackedCount());
    }

    @Test
    void anAckIsRequestedEveryFewStanzasAndAfterAPause() {
        StreamManagement sm = sm(100);
        boolean asked = false;
        for (int i = 0; i < StreamManagement.REQUEST_EVERY; i++) {
            asked = sm.sent(message("m" + i), 0, 0);
        }
        assertTrue(asked);
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        sm.request(t);
        assertFalse(sm.sent(message("x"), 0, 0), "one request at a time");
        assertFalse(sm.requestDue(t.plusSeconds(1)));
        sm.acked(2);
        assertTrue(sm.requestDue(t.plus(StreamManagement.REQUEST_AFTER)));
    }

    @Test
    void withoutResumptionThereIsNoId() {
        StreamManagement sm = new StreamManagement(null, Duration.ofSeconds(300), 100);
        assertFalse(sm.resumable());
        assertNull(sm.enabled().attr("id"));
        assertEquals("300", sm(10).enabled().attr("max"));
        assertEquals("urn:xmpp:sm:3", StreamManagement.failed("item-not-found", -1).ns());
        assertEquals(-1, StreamManagement.count("4294967296"));
        assertEquals(-1, StreamManagement.count("x"));
    }
}
