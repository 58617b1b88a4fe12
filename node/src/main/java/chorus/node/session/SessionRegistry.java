package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.FullJid;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The node's client sessions: counts for the meters and the admin (never addresses), and which session is bound to
 * which resource, in memory only, for the admin's announcements and online count.
 */
public interface SessionRegistry {

    void connected();

    void disconnected();

    /** The session is bound to this resource (or resumed a stream bound to it). */
    void bound(ActorRef<SessionInput> session, FullJid jid);

    /** The session no longer speaks for its resource. */
    void unbound(ActorRef<SessionInput> session);

    /** The session actor stopped. */
    void unregister(ActorRef<SessionInput> session);

    /** Counts nothing (tests). */
    SessionRegistry NONE = new SessionRegistry() {
        @Override
        public void connected() {
        }

        @Override
        public void disconnected() {
        }

        @Override
        public void bound(ActorRef<SessionInput> session, FullJid jid) {
        }

        @Override
        public void unbound(ActorRef<SessionInput> session) {
        }

        @Override
        public void unregister(ActorRef<SessionInput> session) {
        }
    };
}
