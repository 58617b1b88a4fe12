package chorus.loadtest.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MetricsTest {
    @Test
    void eachTickPutsTheIntervalsFiguresIntoTheTimeline() {
        Metrics m = new Metrics();
        Timeline t = new Timeline();
        Latency l = m.latency("message");
        Counter c = m.counter("sent");
        m.gauge("online", () -> 7);
        l.recordNanos(2_000_000);
        l.recordNanos(4_000_000);
        c.add(10);
        t.row(1);
        m.tick(t, 2.0);
        c.add(4);
        t.row(2);
        m.tick(t, 1.0);
        var s = t.series();
        assertEquals(List.of(2.0, 0.0), s.get("message.count"));
        assertEquals(4.0, s.get("message.p99_ms").get(0), 0.01);
        assertNull(s.get("message.p99_ms").get(1), "no latency in an empty interval");
        assertEquals(List.of(5.0, 4.0), s.get("sent.per_s"));
        assertEquals(List.of(7.0, 7.0), s.get("online"));
        assertEquals(2, m.latencyTotals().get("message").getTotalCount());
        assertEquals(14L, m.counterTotals().get("sent"));
    }

    @Test
    void aSeriesThatStartsLateIsPaddedWithNothing() {
        Timeline t = new Timeline();
        t.row(1);
        t.row(2);
        t.put("late", 3);
        t.row(3);
        assertEquals(Arrays.asList(null, 3.0, null), t.series().get("late"));
        assertEquals(List.of(1.0, 2.0, 3.0), t.seconds());
    }
}
