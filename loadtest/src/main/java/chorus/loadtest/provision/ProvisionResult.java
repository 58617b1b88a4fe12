package chorus.loadtest.provision;

import java.util.Map;

/** What a provisioning pass did: accounts created, found existing, failed (by reason), and how long it took. */
public record ProvisionResult(long created, long existing, long failed, Map<String, Long> failures, double seconds) {
    public double perSecond() {
        return seconds <= 0 ? 0 : (created + existing) / seconds;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d created, %d existed, %d failed%s in %.1f s (%.0f/s)",
            created, existing, failed, failures.isEmpty() ? "" : " " + failures, seconds, perSecond());
    }
}
