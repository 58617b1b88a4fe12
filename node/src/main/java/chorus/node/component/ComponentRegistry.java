package chorus.node.component;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The component streams of this node, counted against {@code chorus.component.max-connections} (from the moment
 * the connection is accepted, before the handshake), and told to end when the node stops.
 */
final class ComponentRegistry {
    private final int max;
    private final Set<ActorRef<ComponentStream.Input>> live = ConcurrentHashMap.newKeySet();

    ComponentRegistry(int max) {
        this.max = max;
    }

    /** Takes a stream in; false when the node holds all it may (the stream is refused). */
    boolean add(ActorRef<ComponentStream.Input> s) {
        synchronized (live) {
            if (live.size() >= max) {
                return false;
            }
            live.add(s);
            return true;
        }
    }

    void remove(ActorRef<ComponentStream.Input> s) {
        live.remove(s);
    }

    int size() {
        return live.size();
    }

    void shutdownAll() {
        live.forEach(s -> s.tell(ComponentStream.Shutdown.INSTANCE));
    }
}
