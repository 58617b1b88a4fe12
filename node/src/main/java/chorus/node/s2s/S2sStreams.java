package chorus.node.s2s;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incoming server-to-server streams of this node: counted against {@code chorus.s2s.max-incoming-streams}, and
 * told to end when the node stops. Counts only, never addresses.
 */
public final class S2sStreams {
    private final int max;
    private final Set<ActorRef<IncomingStream.Input>> live = ConcurrentHashMap.newKeySet();

    public S2sStreams(int max) {
        this.max = max;
    }

    /** Takes a new stream in; false when the node holds all it may (the stream is refused). */
    boolean admit(ActorRef<IncomingStream.Input> stream) {
        synchronized (live) {
            if (live.size() >= max) {
                return false;
            }
            live.add(stream);
            return true;
        }
    }

    void gone(ActorRef<IncomingStream.Input> stream) {
        live.remove(stream);
    }

    public int incoming() {
        return live.size();
    }

    /** Every incoming stream ends with system-shutdown (the node stops). */
    public void shutdownAll() {
        live.forEach(s -> s.tell(IncomingStream.Shutdown.INSTANCE));
    }
}
