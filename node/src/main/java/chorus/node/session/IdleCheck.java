package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.StreamOpening;
import org.apache.pekko.actor.typed.Behavior;

import java.util.List;

/**
 * The idle check of a bound session without XEP-0198 (issue 14): when the node-wide {@link IdleSweep} finds the
 * client quiet for the idle timeout, the client gets a XEP-0199 ping; when nothing at all came from it by the time
 * the answer was due, its stream ends with connection-timeout (RFC 6120 §4.9.3.4). Any data counts as an answer, a
 * whitespace keepalive too. A stream with XEP-0198 is left to its own acks.
 */
final class IdleCheck {
    private final StreamSession session;
    /** The ping to the client, and when it went out (System.nanoTime; 0: none). */
    private String ping;
    private long pingedAt;

    IdleCheck(StreamSession session) {
        this.session = session;
    }

    Behavior<SessionInput> onQuiet() {
        if (session.phase != Phase.BOUND || session.sm != null || session.transportGone) {
            session.node.guards().idle().unwatch(session.ctx().getSelf());
            return session;
        }
        long now = System.nanoTime();
        if (pingedAt == 0 || session.transport.lastReceived() - pingedAt > 0) {
            ping = "idle-" + StreamOpening.random(8);
            pingedAt = now;
            session.out.send(new Iq(session.node.domain(), session.jid, ping, Iq.Type.GET, null,
                List.of(Element.of("ping", "urn:xmpp:ping"))));
            return session;
        }
        if (now - pingedAt >= session.node.c2s().sessionLimits().idleAnswer().toNanos()) {
            return session.fail(StreamErrors.CONNECTION_TIMEOUT, "no answer to a ping");
        }
        return session;
    }

    /**
     * Whether {@code iq}, from the client to its own account or the server, answers the ping (a result, or an error
     * from a client without XEP-0199); it is then taken here and goes no further.
     */
    boolean answered(Iq iq) {
        if (iq.isRequest() || ping == null || !ping.equals(iq.id())) {
            return false;
        }
        ping = null;
        pingedAt = 0;
        return true;
    }
}
