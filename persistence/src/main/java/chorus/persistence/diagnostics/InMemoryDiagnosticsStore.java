package chorus.persistence.diagnostics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records in memory: for unit tests and memory storage. */
public final class InMemoryDiagnosticsStore implements DiagnosticsStore {
    private final List<DeliveryFailure> records = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> record(DeliveryFailure failure) {
        records.add(failure);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<DeliveryFailure>> query(Instant since, String jid, int limit) {
        List<DeliveryFailure> out = new ArrayList<>();
        for (DeliveryFailure f : records) {
            if (!f.at().isBefore(since) && Diagnostics.names(f, jid)) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparing(DeliveryFailure::at).reversed());
        return CompletableFuture.completedFuture(out.size() > limit ? out.subList(0, limit) : out);
    }

    @Override
    public CompletionStage<Set<LocalDate>> days() {
        Set<LocalDate> days = new TreeSet<>();
        for (DeliveryFailure f : records) {
            days.add(LocalDate.ofInstant(f.at(), ZoneOffset.UTC));
        }
        return CompletableFuture.completedFuture(days);
    }

    @Override
    public CompletionStage<Void> dropDay(LocalDate day) {
        records.removeIf(f -> LocalDate.ofInstant(f.at(), ZoneOffset.UTC).equals(day));
        return CompletableFuture.completedFuture(null);
    }
}
