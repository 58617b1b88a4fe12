package chorus.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency figure of a run, recorded from any thread in microseconds (3 significant digits): the
 * whole run's histogram and, per tick, the histogram of the last interval.
 */
public final class Latency {
    private final String name;
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private Histogram interval;

    public Latency(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1000));
    }

    /** Takes what was recorded since the last call into the total, and returns it. One caller at a time. */
    public synchronized Histogram interval() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return interval;
    }

    /** Everything recorded so far (collects the current interval first). */
    public synchronized Histogram total() {
        interval();
        return total.copy();
    }

    /** Milliseconds of a histogram in microseconds. */
    public static double ms(double micros) {
        return micros / 1000.0;
    }
}
