package chorus.loadtest.scenario;

import chorus.loadtest.metrics.Latency;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Presence broadcasts of one window, numbered: each expects as many deliveries as the sender had
 * contacts online when it went out. Deliveries beyond that (a contact that came online meanwhile) are
 * counted apart, so {@code expected == delivered + lost}.
 */
final class BroadcastLedger {
    record Counts(long broadcasts, long expected, long delivered, long lost, long extra) {
    }

    private final String tag;
    private final int capacity;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicIntegerArray expected;
    private final AtomicIntegerArray delivered;
    private final LongAdder extra = new LongAdder();
    private final Latency latency;

    BroadcastLedger(String tag, int capacity) {
        this.tag = tag;
        this.capacity = capacity;
        this.expected = new AtomicIntegerArray(capacity);
        this.delivered = new AtomicIntegerArray(capacity);
        this.latency = new Latency(tag);
    }

    String tag() {
        return tag;
    }

    Latency latency() {
        return latency;
    }

    /** The next broadcast's number, expecting {@code recipients} deliveries; -1 once the window is full. */
    long next(int recipients) {
        long n = issued.getAndIncrement();
        if (n >= capacity) {
            issued.decrementAndGet();
            return -1;
        }
        expected.set((int) n, recipients);
        return n;
    }

    /** A delivery arrived; true when it was one of those expected. */
    boolean delivered(long seq) {
        if (seq < 0 || seq >= issued.get()) {
            return false;
        }
        int i = (int) seq;
        while (true) {
            int d = delivered.get(i);
            if (d >= expected.get(i)) {
                extra.increment();
                return false;
            }
            if (delivered.compareAndSet(i, d, d + 1)) {
                return true;
            }
        }
    }

    boolean settled() {
        Counts c = counts();
        return c.lost() == 0;
    }

    Counts counts() {
        long n = issued.get();
        long exp = 0;
        long got = 0;
        for (int i = 0; i < n; i++) {
            exp += expected.get(i);
            got += delivered.get(i);
        }
        return new Counts(n, exp, got, exp - got, extra.sum());
    }
}
