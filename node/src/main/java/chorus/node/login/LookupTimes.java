package chorus.node.login;

import java.time.Duration;
import java.util.Arrays;

/**
 * How long this node's recent credentials lookups took, so that every lookup's answer can wait as long as nearly all
 * of them: an account whose entity was in memory, one whose entity had to be read, and a name that is no account
 * then answer alike, however loaded the node or its Cassandra is. The floor is the 99th percentile of the last
 * {@value #KEPT} lookups, never below the configured lookup time and never above the cap
 * ({@code chorus.c2s.login-lookup-cap}, {@link #CAP} by default). Thread-safe (sessions on any thread).
 */
public final class LookupTimes {
    static final int KEPT = 512;
    /** However slow lookups get, no answer waits longer than this for the others' sake (the default cap). */
    static final Duration CAP = Duration.ofSeconds(2);

    /** How long a login waits for its account's entity in all (the default timeout). */
    static final Duration TIMEOUT = Duration.ofSeconds(25);

    private final long minimumNanos;
    private final Duration timeout;
    private final long capNanos;
    private final long[] recent = new long[KEPT];
    private int next;
    private int count;
    private long floor;
    private boolean stale = true;
    private volatile MemberRemovals removals = MemberRemovals.NONE;

    public LookupTimes(Duration minimum) {
        this(minimum, CAP);
    }

    public LookupTimes(Duration minimum, Duration cap) {
        this(minimum, cap, TIMEOUT);
    }

    /** {@code timeout}: how long a login waits for its account's entity in all ({@link CredentialsLookup}). */
    public LookupTimes(Duration minimum, Duration cap, Duration timeout) {
        this.timeout = timeout;
        this.minimumNanos = minimum.toNanos();
        this.capNanos = Math.max(minimumNanos, cap.toNanos());
        this.floor = minimumNanos;
    }

    /** A lookup in flight asks again when a member is removed ({@link CredentialsLookup}). */
    public LookupTimes wakeOn(MemberRemovals removals) {
        this.removals = removals;
        return this;
    }

    public MemberRemovals removals() {
        return removals;
    }

    /** How long a login waits for its account's entity in all, asking again meanwhile. */
    public Duration timeout() {
        return timeout;
    }

    /** One lookup took this long. */
    public synchronized void took(Duration d) {
        recent[next] = d.toNanos();
        next = (next + 1) % KEPT;
        count = Math.min(KEPT, count + 1);
        stale = true;
    }

    /** How long a lookup's answer waits at least now. */
    public synchronized Duration floor() {
        if (stale) {
            stale = false;
            long p99 = 0;
            if (count > 0) {
                long[] sorted = Arrays.copyOf(recent, count);
                Arrays.sort(sorted);
                p99 = sorted[Math.min(count - 1, count * 99 / 100)];
            }
            floor = Math.max(minimumNanos, Math.min(p99, capNanos));
        }
        return Duration.ofNanos(floor);
    }

    @Override
    public String toString() {
        return "LookupTimes[" + count + "]";
    }
}
