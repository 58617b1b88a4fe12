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
 * for the admins' announcements and count of online accounts.
 */
public final class SessionCounter implements SessionRegistry {
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<ActorRef<SessionInput>, FullJid> bound = new ConcurrentHashMap<>();
    private final Set<ActorRef<SessionInput>> live = ConcurrentHashMap.newKeySet();

    void register(ActorRef<SessionInput> session) {
        live.add(session);
    }

    @Override
    public void unregister(ActorRef<SessionInput> session) {
        live.remove(session);
        bound.remove(session);
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
    public void bound(ActorRef<SessionInput> session, FullJid jid) {
        bound.put(session, jid);
    }

    @Override
    public void unbound(ActorRef<SessionInput> session) {
        bound.remove(session);
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
