package chorus.node.c2s;

import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Stanza;
import chorus.node.session.SessionRegistry;
import chorus.node.session.StreamSession;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The client sessions this node holds: counts (never addresses) for the meters and chorusctl, the session actors, so
 * that a shutdown can tell each to close its stream, and the resource each bound session speaks for (in memory only),
 * for the admins' announcements and count of online accounts. The node's counter has one {@link #child} per
 * transport (TCP, WebSocket, BOSH), whose counts are the transport's and add up in the node's.
 */
public final class SessionCounter implements SessionRegistry {
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<ActorRef<SessionInput>, FullJid> bound = new ConcurrentHashMap<>();
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
        bound.remove(session);
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
    public void bound(ActorRef<SessionInput> session, FullJid jid) {
        bound.put(session, jid);
        if (parent != null) {
            parent.bound(session, jid);
        }
    }

    @Override
    public void unbound(ActorRef<SessionInput> session) {
        bound.remove(session);
        if (parent != null) {
            parent.unbound(session);
        }
    }

    /** The accounts with a bound session here. */
    public Set<BareJid> accounts() {
        Set<BareJid> out = new HashSet<>();
        for (FullJid j : bound.values()) {
            out.add(j.bareJid());
        }
        return out;
    }

    /** Hands each bound session the stanza made for its resource; how many sessions got one. */
    public int toEachBound(Function<FullJid, Stanza> stanza) {
        int n = 0;
        for (Map.Entry<ActorRef<SessionInput>, FullJid> e : bound.entrySet()) {
            e.getKey().tell(new SessionMessage.Deliver(stanza.apply(e.getValue())));
            n++;
        }
        return n;
    }

    public int connections() {
        return connections.get();
    }

    public int sessions() {
        return bound.size();
    }
}
