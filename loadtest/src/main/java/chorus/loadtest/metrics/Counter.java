package chorus.loadtest.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A count of a run that any thread may add to; the per-tick difference makes its rate series. */
public final class Counter {
    private final String name;
    private final LongAdder adder = new LongAdder();
    private long lastTick;

    public Counter(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void increment() {
        adder.increment();
    }

    public void add(long n) {
        adder.add(n);
    }

    public long get() {
        return adder.sum();
    }

    /** What was added since the last call. One caller at a time. */
    synchronized long delta() {
        long now = adder.sum();
        long d = now - lastTick;
        lastTick = now;
        return d;
    }
}
