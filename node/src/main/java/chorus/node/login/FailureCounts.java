package chorus.node.login;

import chorus.node.config.SessionLimits;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per key (a hashed account name or source) in memory, for one part of the throttle: a count is
 * forgotten {@code window} after its last failure; at {@code refuseAfter} failures the key is refused for
 * {@code lockout}, after which it starts from nothing. Holds at most {@code capacity} keys: when full, the key that
 * failed longest ago is forgotten first. Plain state, no threads: its owner serializes the calls.
 */
final class FailureCounts {

    /** What the counts say about a key now: its failures in the window, and whether it is refused. */
    record Count(int failures, boolean refused) {
        static final Count NONE = new Count(0, false);
    }

    private static final class Entry {
        int failures;
        long lastFailure;
        long refusedUntil;
    }

    private final SessionLimits.Threshold threshold;
    private final long windowMillis;
    private final long lockoutMillis;
    private final int capacity;
    private final Clock clock;
    /** In order of last failure, oldest first. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();

    FailureCounts(SessionLimits.Threshold threshold, Duration window, Duration lockout, int capacity, Clock clock) {
        this.threshold = threshold;
        this.windowMillis = window.toMillis();
        this.lockoutMillis = lockout.toMillis();
        this.capacity = capacity;
        this.clock = clock;
    }

    Count check(long key) {
        Entry e = live(key, clock.millis());
        return e == null ? Count.NONE : count(e, clock.millis());
    }

    /** One more failure of this key; returns its count after it. */
    Count failed(long key) {
        long now = clock.millis();
        Entry e = live(key, now);
        if (e == null) {
            e = new Entry();
        } else {
            entries.remove(key);
        }
        if (e.refusedUntil > now) {
            // Refused attempts are not checked, so they are no failures; the refusal runs its course.
            entries.put(key, e);
            return count(e, now);
        }
        e.failures++;
        e.lastFailure = now;
        if (threshold.refuseAfter() > 0 && e.failures >= threshold.refuseAfter()) {
            e.refusedUntil = now + lockoutMillis;
        }
        entries.put(key, e);
        if (entries.size() > capacity) {
            Iterator<Long> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return count(e, now);
    }

    /** The key logged in: its count starts again. */
    void succeeded(long key) {
        Entry e = entries.get(key);
        if (e != null && e.refusedUntil <= clock.millis()) {
            entries.remove(key);
        }
    }

    /** Forgets what is over: counts past their window, refusals past their lockout. */
    void expire() {
        long now = clock.millis();
        entries.values().removeIf(e -> over(e, now));
    }

    int size() {
        return entries.size();
    }

    private Entry live(long key, long now) {
        Entry e = entries.get(key);
        if (e != null && over(e, now)) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    private boolean over(Entry e, long now) {
        if (e.refusedUntil > 0) {
            return e.refusedUntil <= now;
        }
        return e.lastFailure + windowMillis <= now;
    }

    private static Count count(Entry e, long now) {
        return new Count(e.failures, e.refusedUntil > now);
    }

    @Override
    public String toString() {
        return "FailureCounts[" + entries.size() + " keys]";
    }

    /** For tests: how many keys are remembered. */
    Map<Long, Integer> snapshot() {
        Map<Long, Integer> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, v.failures));
        return out;
    }
}
