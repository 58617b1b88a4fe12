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
 * Within rate limits per sender and per node ({@link RecordLimits}): a flood of failures cannot fill the
 * day's partition; records over the limits are counted ({@link #suppressed()}, and a log line a minute
 * with the count only), not written.
 */
public final class DiagnosticsRecorder implements DeliveryFailures {
    private static final Logger log = LoggerFactory.getLogger(DiagnosticsRecorder.class);

    private final DiagnosticsStore store;
    private final Clock clock;
    private final String node;
    private final RecordLimits limits;
    private final java.util.concurrent.atomic.AtomicLong suppressed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unreported = new java.util.concurrent.atomic.AtomicLong();
    private volatile java.time.Instant reportedAt;

    public DiagnosticsRecorder(DiagnosticsStore store, Clock clock, String node, DiagnosticsSettings settings) {
        this.store = store;
        this.clock = clock;
        this.node = node;
        this.limits = new RecordLimits(clock, settings.perSenderPerMinute(), settings.perNodePerSecond());
        this.reportedAt = clock.instant();
    }

    /** Records not written because they were over the rate limits, since the node started. */
    public long suppressed() {
        return suppressed.get();
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
        String sender = undelivered.from() == null ? null : undelivered.from().bare().toString();
        if (!limits.allow(sender)) {
            suppressed.incrementAndGet();
            unreported.incrementAndGet();
            reportSuppressed();
            return;
        }
        reportSuppressed();
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

    /** At most once a minute: how many records the limits kept out (a count, never an address). */
    private void reportSuppressed() {
        java.time.Instant now = clock.instant();
        if (unreported.get() > 0 && now.isAfter(reportedAt.plusSeconds(60))) {
            reportedAt = now;
            log.warn("{} delivery-failure records over the rate limits were not written in the last minute",
                unreported.getAndSet(0));
        }
    }
}
