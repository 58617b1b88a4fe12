package chorus.persistence.diagnostics;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Where delivery-failure records live, partitioned by UTC day so that pruning drops whole days. */
public interface DiagnosticsStore {

    CompletionStage<Void> record(DeliveryFailure failure);

    /** Records at or after {@code since}, newest first, optionally only those naming {@code jid} (bare match). */
    CompletionStage<List<DeliveryFailure>> query(Instant since, String jid, int limit);

    /** The days that hold records. */
    CompletionStage<Set<LocalDate>> days();

    /** Deletes every record of this day. Idempotent. */
    CompletionStage<Void> dropDay(LocalDate day);
}
