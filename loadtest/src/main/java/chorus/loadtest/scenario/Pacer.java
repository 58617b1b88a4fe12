package chorus.loadtest.scenario;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule: event k is due at start + k / rate, whatever happened to the events before
 * it. Latencies are taken from the due time, so a generator or server that falls behind shows up as
 * latency instead of being hidden (no coordinated omission).
 */
final class Pacer {
    /** Fires event {@code k}, due at {@code dueNanos}. */
    interface Fire {
        void fire(long k, long dueNanos);
    }

    private Pacer() {
    }

    /**
     * Fires {@code rate * duration} events at {@code rate} per second on the calling thread, stopping
     * early at the deadline; returns how many it fired.
     */
    static long run(double rate, Duration duration, Deadline deadline, Fire fire) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        long start = System.nanoTime();
        long total = (long) Math.floor(rate * duration.toNanos() / 1e9);
        long fired = 0;
        double nanosPerEvent = 1e9 / rate;
        while (fired < total && !deadline.passed()) {
            long now = System.nanoTime();
            // Late wake-ups fire what fell due meanwhile: the count never depends on the scheduler.
            long due = Math.min(total, (long) Math.floor((now - start) / nanosPerEvent) + 1);
            while (fired < due) {
                fire.fire(fired, start + (long) (fired * nanosPerEvent));
                fired++;
            }
            if (fired < total) {
                long next = start + (long) (fired * nanosPerEvent);
                LockSupport.parkNanos(Math.max(50_000, Math.min(1_000_000, next - System.nanoTime())));
            }
        }
        return fired;
    }
}
