package chorus.loadtest.scenario;

import chorus.loadtest.metrics.Latency;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The messages of one measurement window, numbered 0..capacity-1: each one sent is in the end received,
 * or lost; a lost one may have been bounced with an error. Receipts are kept per number, so duplicates
 * are told apart and the lost ones are counted from the numbers never received.
 */
final class MessageLedger {
    /** A window's counts; {@code sent == received + lost}, and {@code bounced <= lost}. */
    record Counts(long sent, long received, long lost, long bounced, long duplicates) {
        /** Lost without an error reply: gone without a word. */
        long vanished() {
            return lost - bounced;
        }
    }

    private final String tag;
    private final long capacity;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLongArray receivedBits;
    private final AtomicLongArray bouncedBits;
    private final LongAdder received = new LongAdder();
    private final LongAdder bounced = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final Latency latency;

    MessageLedger(String tag, long capacity) {
        if (capacity > Integer.MAX_VALUE * 32L) {
            throw new IllegalArgumentException("too many messages for one window: " + capacity);
        }
        this.tag = tag;
        this.capacity = capacity;
        int words = (int) ((capacity + 63) / 64);
        this.receivedBits = new AtomicLongArray(words);
        this.bouncedBits = new AtomicLongArray(words);
        this.latency = new Latency(tag);
    }

    String tag() {
        return tag;
    }

    /** This window's delivery latency. */
    Latency latency() {
        return latency;
    }

    /** The next number, counted as sent; -1 once the window is full. */
    long next() {
        long n = issued.getAndIncrement();
        if (n >= capacity) {
            issued.decrementAndGet();
            return -1;
        }
        return n;
    }

    long sent() {
        return issued.get();
    }

    /** Messages that arrived, each counted once. */
    long received() {
        return received.sum();
    }

    /** Returns true the first time this number arrives. */
    boolean received(long seq) {
        if (seq < 0 || seq >= issued.get()) {
            return false;
        }
        if (set(receivedBits, seq)) {
            received.increment();
            return true;
        }
        duplicates.increment();
        return false;
    }

    /** An error reply came back for this number. */
    void bounced(long seq) {
        if (seq >= 0 && seq < issued.get() && set(bouncedBits, seq)) {
            bounced.increment();
        }
    }

    /** Whether every message sent has arrived or bounced. */
    boolean settled() {
        return received.sum() + bounced.sum() >= issued.get();
    }

    Counts counts() {
        long sent = issued.get();
        long lost = 0;
        long bouncedLost = 0;
        for (long s = 0; s < sent; s++) {
            long mask = 1L << (s & 63);
            if ((receivedBits.get((int) (s >>> 6)) & mask) == 0) {
                lost++;
                if ((bouncedBits.get((int) (s >>> 6)) & mask) != 0) {
                    bouncedLost++;
                }
            }
        }
        return new Counts(sent, received.sum(), lost, bouncedLost, duplicates.sum());
    }

    private static boolean set(AtomicLongArray bits, long seq) {
        int word = (int) (seq >>> 6);
        long mask = 1L << (seq & 63);
        while (true) {
            long old = bits.get(word);
            if ((old & mask) != 0) {
                return false;
            }
            if (bits.compareAndSet(word, old, old | mask)) {
                return true;
            }
        }
    }
}
