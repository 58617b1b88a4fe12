package chorus.actors.diagnostics;

import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.diagnostics.DeliveryFailure;
import chorus.persistence.diagnostics.DiagnosticsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * Writes a delivery-failure record: the time, the addresses, the stanza's kind and type, the error
 * condition and this node. It takes nothing else from the stanza: no body, no subject, no payload.
 */
public final class DiagnosticsRecorder implements DeliveryFailures {
    private static final Logger log = LoggerFactory.getLogger(DiagnosticsRecorder.class);

    private final DiagnosticsStore store;
    private final Clock clock;
    private final String node;

    public DiagnosticsRecorder(DiagnosticsStore store, Clock clock, String node) {
        this.store = store;
        this.clock = clock;
        this.node = node;
    }

    static String typeOf(Stanza s) {
        if (s instanceof Message m) {
            return m.type().xml();
        }
        if (s instanceof Presence p) {
            return p.type() == Presence.Type.AVAILABLE ? "available" : p.type().xml();
        }
        return s.typeName();
    }

    @Override
    public void record(Stanza undelivered, StanzaError.Condition condition) {
        DeliveryFailure f = new DeliveryFailure(clock.instant().truncatedTo(ChronoUnit.MILLIS),
            undelivered.from() == null ? null : undelivered.from().toString(),
            undelivered.to() == null ? null : undelivered.to().toString(),
            undelivered.kind(), typeOf(undelivered),
            condition.xml(), node);
        store.record(f).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("a delivery-failure record could not be written: {}", e.getClass().getSimpleName());
            }
        });
    }
}
