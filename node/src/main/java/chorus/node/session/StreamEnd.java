package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Stanza;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;

/**
 * How a client's stream ends, whichever way: the client closes it, its transport drops (a resumable stream stays
 * bound, XEP-0198), the account's entity ends it (conflict, removal), negotiation takes too long, or the node
 * stops (what the client sent gets a moment to be accepted first). A bound stream the server ends is ended
 * gracefully, and the session lives on after its transport while messages of its client wait for acceptance.
 */
final class StreamEnd {

    /** Shutting down, the session waited long enough for its messages' acceptance. */
    enum DrainDeadline implements StreamSession.Local { INSTANCE }

    /** How long a stopping node's sessions wait for the acceptance of what their clients sent. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    private final StreamSession session;

    StreamEnd(StreamSession session) {
        this.session = session;
    }

    Behavior<SessionInput> onAccepted(SessionMessage.Accepted a) {
        session.reliability.accepted(a.seq());
        if (session.draining && !session.reliability.hasPending()) {
            return endForShutdown();
        }
        if (session.phase == Phase.CLOSED && session.transportGone && !session.reliability.hasPending()) {
            return Behaviors.stopped();
        }
        return session;
    }

    /** The entity ends this stream; after a removal this stream asked for, its answer goes out first. */
    Behavior<SessionInput> onClose(SessionMessage.Close c) {
        if (session.registration.removing() && StreamErrors.NOT_AUTHORIZED.equals(c.condition())) {
            return session;
        }
        return endBound(new StreamError(c.condition(), c.text()));
    }

    /**
     * The transport is gone. Messages its client sent that no entity accepted yet are still sent again until
     * accepted or given up (nobody is left to hear an error): a client that hangs up right after sending loses
     * nothing to a node that fails at the same moment.
     */
    Behavior<SessionInput> onTransportClosed() {
        if (session.phase == Phase.BOUND && session.sm != null && session.sm.resumable() && !session.draining
            && !session.registration.removing()) {
            // XEP-0198 §5: the resource stays bound and available, and what arrives for it waits.
            session.detached = true;
            session.transportGone = true;
            session.countDisconnected();
            session.bound.binding.quietChanged();
            session.resumption.awaitResume();
            return session;
        }
        session.bound.unbind();
        session.phase = Phase.CLOSED;
        session.transportGone = true;
        session.countDisconnected();
        return session.reliability.hasPending() ? session : Behaviors.stopped();
    }

    Behavior<SessionInput> onNegotiationTimeout() {
        if (session.phase != Phase.BOUND && session.phase != Phase.CLOSED) {
            return session.fail(StreamErrors.CONNECTION_TIMEOUT, "negotiation took too long");
        }
        return session;
    }

    /**
     * The node stops. The client's stream is paused (nothing new is read), and what it sent waits a moment for
     * acceptance, while the account entities are still where they were; then the stream ends.
     */
    Behavior<SessionInput> onShutdown() {
        if (session.reliability.hasPending() && !session.draining
            && (session.phase == Phase.BOUND || session.transportGone)) {
            session.draining = true;
            if (!session.transportGone) {
                session.transport.pauseReading();
            }
            session.timers.startSingleTimer(DrainDeadline.INSTANCE, DrainDeadline.INSTANCE, DRAIN);
            return session;
        }
        return endForShutdown();
    }

    /** What still waits for acceptance goes back as errors, then the stream ends. */
    Behavior<SessionInput> endForShutdown() {
        session.draining = false;
        if (session.transportGone) {
            session.bound.unbind();
            session.phase = Phase.CLOSED;
            session.reliability.abandon();
            return Behaviors.stopped();
        }
        // Phase CLOSED follows below: what the client still sends is read and dropped.
        session.transport.resumeReading();
        if (session.phase == Phase.BOUND) {
            for (Stanza failed : session.reliability.abandon()) {
                session.out.send(failed);
            }
        }
        String other = session.node.c2s().seeOtherHost();
        if (!other.isBlank()) {
            // RFC 6120 §4.9.3.19: this node goes away; the client reconnects to another at once.
            return endBound(StreamError.seeOtherHost(other, "this node is restarting"));
        }
        return endBound(new StreamError(StreamErrors.SYSTEM_SHUTDOWN, "the server is shutting down"));
    }

    /**
     * A bound stream the server ends for a reason of its own (conflict, shutdown, removal, see-other-host) ends
     * gracefully: the client's messages that crossed the error on the wire are still delivered.
     */
    Behavior<SessionInput> endBound(StreamError error) {
        if (session.phase != Phase.BOUND) {
            if (session.phase == Phase.CLOSED) {
                return session;
            }
            if (error.conditionText() != null && session.opening.headerSent()) {
                session.phase = Phase.CLOSED;
                session.transport.fail(error);
                return session;
            }
            return session.fail(error.conditionText() != null ? StreamErrors.SYSTEM_SHUTDOWN : error.condition(),
                error.text());
        }
        session.bound.unbind();
        session.phase = Phase.CLOSED;
        session.endedWhileBound = true;
        session.transport.endGracefully(error);
        return session.stopIfGone();
    }
}
