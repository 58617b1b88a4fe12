package chorus.actors.user;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One bound resource of the user, as its entity sees it. Not persisted: sessions register again
 * after the entity restarts or moves.
 */
final class LiveSession {
    final FullJid jid;
    final ActorRef<SessionMessage> ref;
    /** The last available presence the resource sent, or null before initial presence / after unavailable. */
    Presence presence;
    /** The resource asked for the roster, so it gets roster pushes (RFC 6121 §2.1.6). */
    boolean interested;
    /** The resource asked for the block list, so it gets block-list pushes (XEP-0191 §3.3). */
    boolean blocklistInterested;
    /** Entities that got directed presence from this resource and are not presence subscribers (RFC 6121 §4.6). */
    final Set<Jid> directedTo = new LinkedHashSet<>();

    LiveSession(FullJid jid, ActorRef<SessionMessage> ref) {
        this.jid = jid;
        this.ref = ref;
    }

    boolean available() {
        return presence != null;
    }

    int priority() {
        return presence == null ? 0 : presence.priority();
    }

    @Override
    public String toString() {
        return "LiveSession[" + jid + (available() ? " available" : "") + "]";
    }
}
