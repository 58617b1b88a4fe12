package chorus.loadtest.scenario;

import java.time.Duration;

/** The hard end of a run: every wait of a scenario stops there, so a run always ends by itself. */
public record Deadline(long atNanos) {
    public static Deadline in(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    public boolean passed() {
        return System.nanoTime() - atNanos >= 0;
    }

    public long remainingNanos() {
        return Math.max(0, atNanos - System.nanoTime());
    }

    /** The earlier of this deadline and {@code d} from now. */
    public long until(Duration d) {
        long t = System.nanoTime() + d.toNanos();
        return t - atNanos < 0 ? t : atNanos;
    }
}
