package chorus.persistence.diagnostics;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed delivery. Only metadata: the addresses, the stanza's kind ("message", "presence", "iq")
 * and type, the error condition and the node that gave up. No body, subject or payload ever.
 */
public record DeliveryFailure(Instant at, String sender, String recipient, String kind, String type, String condition,
                              String node) {
    public DeliveryFailure {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(condition, "condition");
    }
}
