package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import chorus.node.config.SmSettings;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.StreamOpening;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The XEP-0198 elements of a client's stream once it authenticated: {@code <enable/>} (with resumption when the
 * client asks), {@code <r/>} and {@code <a/>} both ways; {@code <resume/>} goes to {@link Resumption}. The
 * counts themselves are {@link StreamManagement}'s.
 */
final class SmProtocol {
    private final StreamSession session;

    SmProtocol(StreamSession session) {
        this.session = session;
    }

    Behavior<SessionInput> onElement(Element e) {
        boolean authenticated = session.phase == Phase.BIND || session.phase == Phase.BOUND;
        if (!authenticated) {
            // §3: nothing of stream management before authentication.
            return refuse("unexpected-request");
        }
        StreamManagement sm = session.sm;
        switch (e.name()) {
            case "enable":
                return onEnable(e);
            case "resume":
                return session.resumption.onResume(e);
            case "r":
                if (sm == null) {
                    return refuse("unexpected-request");
                }
                session.out.send(sm.answer());
                return session;
            case "a": {
                if (sm == null) {
                    return refuse("unexpected-request");
                }
                long h = StreamManagement.count(e.attr("h"));
                if (h < 0) {
                    return session.fail(StreamErrors.UNDEFINED_CONDITION,
                        "the 'h' of an acknowledgement is not a count");
                }
                return onAck(sm.acked(h));
            }
            default:
                return refuse("feature-not-implemented");
        }
    }

    private Behavior<SessionInput> refuse(String condition) {
        session.out.send(StreamManagement.failed(condition, -1));
        return session;
    }

    /** The client acknowledged stanzas; the entity forgets tracked messages only once the client has them. */
    Behavior<SessionInput> onAck(StreamManagement.Ack ack) {
        if (ack.tooHigh()) {
            // §4: the client acknowledged more than the server sent.
            return session.fail(StreamErrors.UNDEFINED_CONDITION, "handled-count-too-high");
        }
        if (ack.seq() > 0) {
            session.reliability.written(ack.epoch(), ack.seq());
        }
        return session;
    }

    private Behavior<SessionInput> onEnable(Element e) {
        session.out.send(enable(e));
        return session;
    }

    /**
     * §3: enables stream management on a bound stream, and returns what to tell the client: {@code <enabled/>}, or
     * {@code <failed/>}. Bind 2 puts it into its {@code <bound/>} (XEP-0198 §"inline", XEP-0386 §4.2).
     */
    Element enable(Element e) {
        SmSettings settings = session.node.c2s().sm();
        if (session.sm != null || !settings.enabled() || !session.transport.offersStreamManagement()) {
            // §3: enabling twice is an error.
            return StreamManagement.failed("unexpected-request", -1);
        }
        boolean resume = "true".equals(e.attr("resume")) || "1".equals(e.attr("resume"));
        long max = Math.max(0, StreamManagement.count(e.attr("max")));
        // The resumption id is random, and looked up only among the sessions of the account that authenticated.
        StreamManagement sm = new StreamManagement(resume ? StreamOpening.random(16) : null, settings.timeoutFor(max),
            settings.maxUnacked());
        session.sm = sm;
        // From now on stream management looks after the stream: the idle check no longer does.
        session.node.guards().idle().unwatch(session.ctx().getSelf());
        Element enabled = sm.enabled();
        // <enabled/> is no stanza: counting from here on counts exactly what follows it.
        session.out.countWith(sm);
        session.bound.binding.registerResumable();
        return enabled;
    }
}
