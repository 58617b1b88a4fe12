package chorus.node.c2s;

import chorus.actors.session.SessionInput;
import chorus.node.session.SessionRegistry;
import chorus.node.session.StreamSession;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client sessions this node holds: counts (never addresses), and the session actors, so that a
 * shutdown can tell each to close its stream.
 */
public final class SessionCounter implements SessionRegistry {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger bound = new AtomicInteger();
    private final Set<ActorRef<SessionInput>> live = ConcurrentHashMap.newKeySet();

    void register(ActorRef<SessionInput> session) {
        live.add(session);
    }

    @Override
    public void unregister(ActorRef<SessionInput> session) {
        live.remove(session);
    }

    /** Tells every session of this node that the node is shutting down. */
    public void shutdownAll() {
        for (ActorRef<SessionInput> s : live) {
            s.tell(StreamSession.Shutdown.INSTANCE);
        }
    }

    /** True when no session actor lives on this node (connected, or resending after its client left). */
    public boolean idle() {
        return live.isEmpty();
    }

    @Override
    public void connected() {
        connections.incrementAndGet();
    }

    @Override
    public void disconnected() {
        connections.decrementAndGet();
    }

    @Override
    public void bound() {
        bound.incrementAndGet();
    }

    @Override
    public void unbound() {
        bound.decrementAndGet();
    }

    public int connections() {
        return connections.get();
    }

    public int sessions() {
        return bound.get();
    }
}
