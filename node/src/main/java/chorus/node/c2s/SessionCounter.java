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
 * shutdown can tell each to close its stream. The node's counter has one {@link #child} per transport (TCP,
 * WebSocket, BOSH), whose counts are the transport's and add up in the node's.
 */
public final class SessionCounter implements SessionRegistry {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger bound = new AtomicInteger();
    private final Set<ActorRef<SessionInput>> live = ConcurrentHashMap.newKeySet();
    private final SessionCounter parent;

    public SessionCounter() {
        this(null);
    }

    private SessionCounter(SessionCounter parent) {
        this.parent = parent;
    }

    /** The counter of one transport's sessions, counted in this one too. */
    public SessionCounter child() {
        return new SessionCounter(this);
    }

    /** A session actor of this node started. */
    public void register(ActorRef<SessionInput> session) {
        live.add(session);
        if (parent != null) {
            parent.register(session);
        }
    }

    @Override
    public void unregister(ActorRef<SessionInput> session) {
        live.remove(session);
        if (parent != null) {
            parent.unregister(session);
        }
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
        if (parent != null) {
            parent.connected();
        }
    }

    @Override
    public void disconnected() {
        connections.decrementAndGet();
        if (parent != null) {
            parent.disconnected();
        }
    }

    @Override
    public void bound() {
        bound.incrementAndGet();
        if (parent != null) {
            parent.bound();
        }
    }

    @Override
    public void unbound() {
        bound.decrementAndGet();
        if (parent != null) {
            parent.unbound();
        }
    }

    public int connections() {
        return connections.get();
    }

    public int sessions() {
        return bound.get();
    }
}
