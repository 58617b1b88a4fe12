package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import org.apache.pekko.actor.typed.Behavior;

import java.time.Duration;

/**
 * Issue 14: an authenticated client that sends faster than its rate ({@link StanzaRate}) is read from more slowly
 * until it is within it again, as Prosody's mod_limits and ejabberd's shapers do: reading pauses, and what was read
 * already is handled in order; nothing is dropped and nobody else waits. A timer runs only while a client is slowed.
 */
final class Pacing {

    /** A client that was over its rate may be read from again. */
    enum ResumeReading implements StreamSession.Local { INSTANCE }

    private final StreamSession session;
    private final StanzaRate rate;
    private boolean slowed;

    Pacing(StreamSession session, StanzaRate rate) {
        this.session = session;
        this.rate = rate;
    }

    /**
     * Counts one element of the client's; false when the client is a whole burst beyond its rate (it sent that much
     * before a pause could take effect): its stream ends with policy-violation.
     */
    boolean took(Element e) {
        Duration wait = rate.take(e.weight());
        if (rate.abusive()) {
            return false;
        }
        if (!wait.isZero()) {
            if (!slowed) {
                slowed = true;
                session.transport.pauseReading();
            }
            session.timers.startSingleTimer(ResumeReading.INSTANCE, ResumeReading.INSTANCE, wait);
        }
        return true;
    }

    Behavior<SessionInput> onResumeReading() {
        slowed = false;
        if (!session.draining && !session.transportGone && session.phase != Phase.CLOSED) {
            session.transport.resumeReading();
        }
        return session;
    }
}
