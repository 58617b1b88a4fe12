package chorus.actors.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeMetricsTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final NodeMetrics metrics = new NodeMetrics(registry);

    @Test
    void eachHookCountsUnderItsOwnLabels() {
        metrics.login(NodeMetrics.LoginOutcome.SUCCESS);
        metrics.login(NodeMetrics.LoginOutcome.ofCondition("not-authorized"));
        metrics.login(NodeMetrics.LoginOutcome.ofCondition("not-authorized"));
        metrics.stanzaIn(NodeMetrics.StanzaKind.MESSAGE);
        metrics.stanzaOut(NodeMetrics.StanzaKind.PRESENCE);
        metrics.s2sOpened(NodeMetrics.Direction.OUTBOUND);
        metrics.routed(Duration.ofMillis(3));
        metrics.mamWritten(false);

        assertEquals(1, registry.get("chorus.logins").tag("outcome", "success").counter().count());
        assertEquals(2, registry.get("chorus.logins").tag("outcome", "not-authorized").counter().count());
        assertEquals(1, registry.get("chorus.stanzas").tags("direction", "in", "kind", "message").counter().count());
        assertEquals(1, registry.get("chorus.stanzas").tags("direction", "out", "kind", "presence").counter().count());
        assertEquals(1, registry.get("chorus.s2s.streams").tag("direction", "outbound").gauge().value());
        assertEquals(1, registry.get("chorus.routing.latency").timer().count());
        assertEquals(1, registry.get("chorus.mam.writes").tag("result", "failed").counter().count());
    }

    @Test
    void anUnknownSaslConditionCountsAsNotAuthorizedAndMakesNoNewLabel() {
        metrics.login(NodeMetrics.LoginOutcome.ofCondition("alice@example.org"));
        assertEquals(1, registry.get("chorus.logins").tag("outcome", "not-authorized").counter().count());
    }

    @Test
    void everyLabelValueIsAnEnumNameInLowerCase() {
        metrics.sessions(NodeMetrics.Transport.TCP, () -> 2);
        for (Meter m : registry.getMeters()) {
            m.getId().getTags().forEach(t -> assertTrue(t.getValue().matches("[a-z-]+"), m.getId().toString()));
        }
        assertEquals(2, registry.get("chorus.sessions").tag("transport", "tcp").gauge().value());
    }
}
