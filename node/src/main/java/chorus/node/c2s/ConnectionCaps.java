package chorus.node.c2s;

import chorus.node.config.ConnectionLimits;
import chorus.node.stream.StreamErrors;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many client connections the node holds: all of them, those not yet authenticated, and those from each
 * source (an IPv4 address, or an IPv6 /64, which one subscriber usually has whole). Counted in memory only,
 * while the connections are open: a source is forgotten with its last connection, and never stored or
 * logged. One per node, shared by every client transport: a TCP connection, a WebSocket and a BOSH session
 * each take one place.
 */
public final class ConnectionCaps {
    private final ConnectionLimits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    private final ConcurrentHashMap<Object, AtomicInteger> bySource = new ConcurrentHashMap<>();

    public ConnectionCaps(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** What a new connection gets: a place in the counts, or a refusal. */
    public sealed interface Admission permits Ticket, Refusal {
    }

    /** One admitted connection's place in the counts (a BOSH session's is used from two actors: synchronized). */
    public static final class Ticket implements Admission {
        private final ConnectionCaps caps;
        private final Object source;
        private boolean authenticated;
        private boolean released;

        private Ticket(ConnectionCaps caps, Object source) {
            this.caps = caps;
            this.source = source;
        }

        /** The connection authenticated: it no longer counts as unauthenticated. */
        public synchronized void authenticated() {
            if (!authenticated && !released) {
                authenticated = true;
                caps.unauthenticated.decrementAndGet();
            }
        }

        /** The connection closed. */
        public synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            caps.total.decrementAndGet();
            if (!authenticated) {
                caps.unauthenticated.decrementAndGet();
            }
            caps.leave(source);
        }
    }

    /** A refused connection: the stream error condition and its text. */
    public record Refusal(String condition, String text) implements Admission {
    }

    /** Counts a new connection from this address, or says why it is refused. */
    public Admission admit(InetAddress address) {
        return admitFrom(sourceOf(address));
    }

    /**
     * Counts a new connection whose address is not the client's (a web client behind a TLS-terminating proxy: every
     * one has the proxy's address), so it counts among all connections and the unauthenticated ones, never per
     * address.
     */
    public Admission admitBehindProxy() {
        return admitFrom(null);
    }

    /** {@code source}: null for a connection not counted per address. */
    private Admission admitFrom(Object source) {
        if (total.incrementAndGet() > limits.maxConnections()) {
            total.decrementAndGet();
            return new Refusal(StreamErrors.RESOURCE_CONSTRAINT, "the server holds all the connections it can");
        }
        if (unauthenticated.incrementAndGet() > limits.maxUnauthenticated()) {
            unauthenticated.decrementAndGet();
            total.decrementAndGet();
            return new Refusal(StreamErrors.RESOURCE_CONSTRAINT, "too many connections are logging in; try again soon");
        }
        if (source == null) {
            return new Ticket(this, null);
        }
        AtomicInteger n = bySource.compute(source, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (n.get() > limits.maxPerAddress()) {
            leave(source);
            unauthenticated.decrementAndGet();
            total.decrementAndGet();
            return new Refusal(StreamErrors.POLICY_VIOLATION, "too many connections from your address");
        }
        return new Ticket(this, source);
    }

    private void leave(Object source) {
        if (source == null) {
            return;
        }
        bySource.computeIfPresent(source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    int connections() {
        return total.get();
    }

    int unauthenticated() {
        return unauthenticated.get();
    }

    /** Sources with a connection open now (for tests: sources are forgotten). */
    int sources() {
        return bySource.size();
    }

    /** An IPv4 address as an Integer, an IPv6 address's first 64 bits as a Long: they never compare equal. */
    public static Object sourceOf(InetAddress address) {
        byte[] b = address == null ? new byte[0] : address.getAddress();
        if (address instanceof Inet4Address) {
            return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        }
        if (address instanceof Inet6Address) {
            long prefix = 0;
            for (int i = 0; i < 8; i++) {
                prefix = (prefix << 8) | (b[i] & 0xff);
            }
            return prefix;
        }
        return "unknown";
    }
}
