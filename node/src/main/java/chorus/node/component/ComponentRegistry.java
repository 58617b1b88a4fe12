package chorus.node.component;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The component streams of this node, told to end when the node stops. */
final class ComponentRegistry {
    private final Set<ActorRef<ComponentStream.Input>> live = ConcurrentHashMap.newKeySet();

    void add(ActorRef<ComponentStream.Input> s) {
        live.add(s);
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
