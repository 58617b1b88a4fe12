package chorus.node.session;

import chorus.actors.session.SessionInput;
import org.apache.pekko.actor.typed.ActorRef;

/** The node's count of its client sessions: counts only, never addresses. */
public interface SessionRegistry {

    void connected();

    void disconnected();

    void bound();

    void unbound();

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
        public void bound() {
        }

        @Override
        public void unbound() {
        }

        @Override
        public void unregister(ActorRef<SessionInput> session) {
        }
    };
}
