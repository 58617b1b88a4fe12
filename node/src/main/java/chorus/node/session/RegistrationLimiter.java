package chorus.node.session;

import chorus.node.xmppstream.ClientSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * In-band registrations per source (an address, or the onion service) in a sliding window. Held in memory only: the addresses
 * are never written anywhere and are forgotten once their window has passed.
 */
public final class RegistrationLimiter {
    private final int perAddress;
    private final Duration window;
    private final Clock clock;
    private final Map<ClientSource, ArrayDeque<Instant>> recent = new HashMap<>();

    public RegistrationLimiter(int perAddress, Duration window, Clock clock) {
        this.perAddress = perAddress;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Counts a registration attempt from this source; false when it used up its allowance. Every onion
     * client is the one source {@link ClientSource#ONION}.
     */
    public synchronized boolean tryAcquire(ClientSource address) {
        Instant now = clock.instant();
        Instant since = now.minus(window);
        if (recent.size() > 10_000) {
            forgetOlderThan(since);
        }
        ArrayDeque<Instant> times = recent.computeIfAbsent(address, a -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.pollFirst();
        }
        if (times.size() >= perAddress) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    private void forgetOlderThan(Instant since) {
        Iterator<Map.Entry<ClientSource, ArrayDeque<Instant>>> it = recent.entrySet().iterator();
        while (it.hasNext()) {
            ArrayDeque<Instant> times = it.next().getValue();
            while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
                times.pollFirst();
            }
            if (times.isEmpty()) {
                it.remove();
            }
        }
    }

    /** How many addresses it remembers now (for tests: they are forgotten). */
    synchronized int remembered() {
        forgetOlderThan(clock.instant().minus(window));
        return recent.size();
    }
}
