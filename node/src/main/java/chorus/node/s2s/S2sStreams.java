package chorus.node.s2s;

import chorus.node.c2s.ConnectionCaps;
import org.apache.pekko.actor.typed.ActorRef;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incoming server-to-server streams of this node: counted against {@code chorus.s2s.max-incoming-streams} and,
 * per source (an IPv4 address or an IPv6 /64, as for clients), {@code chorus.s2s.max-per-address}; told to end when
 * the node stops. Counts only: a source is held in memory while it has a stream open, never stored or logged.
 */
public final class S2sStreams {
    private final int max;
    private final int maxPerAddress;
    private final Set<ActorRef<IncomingStream.Input>> live = ConcurrentHashMap.newKeySet();
    private final Map<ActorRef<IncomingStream.Input>, Object> sourceOf = new HashMap<>();
    private final Map<Object, Integer> bySource = new HashMap<>();

    public S2sStreams(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    /** What a new stream gets. */
    enum Admission { ADMITTED, NODE_FULL, SOURCE_FULL }

    /** Takes a new stream from {@code address} in, or says which limit refuses it. */
    Admission admit(ActorRef<IncomingStream.Input> stream, InetAddress address) {
        Object source = ConnectionCaps.sourceOf(address);
        synchronized (live) {
            if (live.size() >= max) {
                return Admission.NODE_FULL;
            }
            if (bySource.getOrDefault(source, 0) >= maxPerAddress) {
                return Admission.SOURCE_FULL;
            }
            live.add(stream);
            sourceOf.put(stream, source);
            bySource.merge(source, 1, Integer::sum);
            return Admission.ADMITTED;
        }
    }

    void gone(ActorRef<IncomingStream.Input> stream) {
        synchronized (live) {
            live.remove(stream);
            Object source = sourceOf.remove(stream);
            if (source != null) {
                bySource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    public int incoming() {
        return live.size();
    }

    /** Every incoming stream ends with system-shutdown (the node stops). */
    public void shutdownAll() {
        live.forEach(s -> s.tell(IncomingStream.Shutdown.INSTANCE));
    }
}
