package chorus.node.c2s;

import chorus.actors.session.SessionInput;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client sessions this node holds: counts (never addresses), and the session actors, so that a
 * shutdown can tell each to close its stream.
 */
public final class SessionCounter {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger bound = new AtomicInteger();
    private final Set<ActorRef<SessionInput>> live = ConcurrentHashMap.newKeySet();

    void register(ActorRef<SessionInput> session) {
        live.add(session);
    }

    void unregister(ActorRef<SessionInput> session) {
        live.remove(session);
    }

    /** Tells every session of this node that the node is shutting down. */
    public void shutdownAll() {
        for (ActorRef<SessionInput> s : live) {
            s.tell(C2sSession.Shutdown.INSTANCE);
        }
    }

    /** True when no session actor lives on this node (connected, or resending after its client left). */
    public boolean idle() {
        return live.isEmpty();
    }

    void connected() {
        connections.incrementAndGet();
    }

    void disconnected() {
        connections.decrementAndGet();
    }

    void bound() {
        bound.incrementAndGet();
    }

    void unbound() {
        bound.decrementAndGet();
    }

    public int connections() {
        return connections.get();
    }

    public int sessions() {
        return bound.get();
    }
}
