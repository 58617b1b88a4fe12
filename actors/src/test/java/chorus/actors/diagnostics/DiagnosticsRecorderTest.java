package chorus.actors.diagnostics;

import chorus.actors.ManualClock;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.diagnostics.DeliveryFailure;
import chorus.persistence.diagnostics.InMemoryDiagnosticsStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DiagnosticsRecorderTest {
    static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final InMemoryDiagnosticsStore store = new InMemoryDiagnosticsStore();
    final DiagnosticsRecorder recorder = new DiagnosticsRecorder(store, clock, "node-1",
        new DiagnosticsSettings(Duration.ofDays(7), Duration.ofDays(7), Duration.ofHours(1), Duration.ofHours(3), 3, 5));

    static Message to(String from, String to) {
        return Message.chat(new BareJid(from, "example.org").withResource("r"), new BareJid(to, "example.org"), "x",
            "a body that is never recorded");
    }

    List<DeliveryFailure> written() {
        return store.query(Instant.EPOCH, null, 10_000).toCompletableFuture().join();
    }

    @Test
    void oneSendersFloodIsWrittenAtItsRateAndTheRestOnlyCounted() {
        for (int i = 0; i < 10; i++) {
            recorder.record(to("flood", "nobody" + i), StanzaError.Condition.SERVICE_UNAVAILABLE);
        }
        assertEquals(3, written().size());
        assertEquals(7, recorder.suppressed());
        // three a minute: one more after twenty seconds
        clock.now = T0.plusSeconds(21);
        recorder.record(to("flood", "again"), StanzaError.Condition.SERVICE_UNAVAILABLE);
        recorder.record(to("flood", "again"), StanzaError.Condition.SERVICE_UNAVAILABLE);
        assertEquals(4, written().size());
        assertEquals(8, recorder.suppressed());
        // another sender is not held back by the first one's flood
        recorder.record(to("quiet", "someone"), StanzaError.Condition.ITEM_NOT_FOUND);
        assertEquals(5, written().size());
    }

    @Test
    void manySendersTogetherAreHeldToTheNodesRate() {
        for (int i = 0; i < 100; i++) {
            recorder.record(to("sender" + i, "nobody"), StanzaError.Condition.SERVICE_UNAVAILABLE);
        }
        assertEquals(5, written().size());
        assertEquals(95, recorder.suppressed());
        clock.now = T0.plusSeconds(1);
        for (int i = 100; i < 200; i++) {
            recorder.record(to("sender" + i, "nobody"), StanzaError.Condition.SERVICE_UNAVAILABLE);
        }
        assertEquals(10, written().size());
        // a sender refused by the node's limit did not spend its own allowance
        clock.now = T0.plusSeconds(2);
        recorder.record(to("sender150", "nobody"), StanzaError.Condition.SERVICE_UNAVAILABLE);
        assertEquals(11, written().size());
    }

    @Test
    void aRecordHoldsOnlyMetadata() {
        recorder.record(to("romeo", "juliet"), StanzaError.Condition.RESOURCE_CONSTRAINT);
        DeliveryFailure f = written().get(0);
        assertEquals(new DeliveryFailure(T0, "romeo@example.org/r", "juliet@example.org", "message", "chat",
            "resource-constraint", "node-1"), f);
    }

    @Test
    void aRateBelowOneIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiagnosticsSettings(
            Duration.ofDays(7), Duration.ofDays(7), Duration.ofHours(1), Duration.ofHours(3), 0, 5));
        assertEquals("chorus.diagnostics.per-sender-per-minute must be at least 1", e.getMessage());
    }
}
