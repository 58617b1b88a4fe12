package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaException;
import chorus.node.config.C2sSettings;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.StanzaIntake;
import chorus.node.xmppstream.StreamOpening;
import org.apache.pekko.actor.typed.Behavior;


/**
 * Resource binding (RFC 6120 §7): the account's entity gives the stream its resource (the one asked for, or one
 * made up); a resource another session holds either ends that session or is refused (§7.7.2.2, a setting), and an
 * account with as many resources as it may have gets resource-constraint (§7.6.2.1).
 * Only binding, the obsolete session request (RFC 3921 §3, answered for old clients) and XEP-0198 are allowed here.
 */
final class BindPhase {

    /** The account's entity answered a bind request. */
    record Bound(UserEntity.BindReply reply, Iq request, Throwable failure, BindQuestion question)
        implements StreamSession.Local {
    }

    private final StreamSession session;

    BindPhase(StreamSession session) {
        this.session = session;
    }

    Behavior<SessionInput> onElement(Element e) {
        if (!e.is("iq", Ns.CLIENT)) {
            return session.fail(StreamErrors.NOT_AUTHORIZED, "bind a resource first");
        }
        Iq iq;
        try {
            iq = (Iq) Stanza.fromElement(e);
        } catch (StanzaException ex) {
            session.sendIfAny(StanzaIntake.errorFor(e, ex.error(), Ns.CLIENT));
            return session;
        }
        if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.BIND, "bind")) {
            String requested = iq.payload().flatMap(b -> b.childText("resource", Ns.BIND)).map(String::trim).orElse("");
            String resource = requested.isEmpty() ? "chorus-" + StreamOpening.random(6) : requested;
            try {
                session.user.withResource(resource);
            } catch (JidMalformedException ex) {
                // §7.7.2.1: a resourcepart that cannot be prepared.
                session.out.send(iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST, "invalid resource")));
                return session;
            }
            boolean kickOld = session.node.c2s().resourceConflict() == C2sSettings.ResourceConflict.KICK_OLD;
            new BindQuestion(session,
                replyTo -> UserEntity.Bind.fresh(resource, session.self(), kickOld,
                    session.node.c2s().sessionLimits().maxSessionsPerAccount(), replyTo),
                (reply, failure, question) -> new Bound(reply, iq, failure, question)).ask();
            return session;
        }
        if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.SESSION, "session")) {
            session.out.send(iq.withFromTo(null, null).result());
            return session;
        }
        session.out.send(iq.error(StanzaError.of(StanzaError.Condition.NOT_AUTHORIZED, "bind a resource first")));
        return session;
    }

    Behavior<SessionInput> onBound(Bound b) {
        if (session.phase != Phase.BIND) {
            return session;
        }
        Iq request = b.request().withFromTo(null, null);
        if (b.failure() != null && b.question().unanswered()) {
            return session;
        }
        if (b.failure() != null) {
            session.out.send(request.error(StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR, "try again")));
            return session;
        }
        if (b.reply() instanceof UserEntity.BindReply.Refused r) {
            StanzaError.Condition c = StanzaError.Condition.fromXml(r.condition());
            if (c == StanzaError.Condition.NOT_AUTHORIZED) {
                return session.fail(StreamErrors.NOT_AUTHORIZED, "the account is gone");
            }
            session.out.send(request.error(StanzaError.of(c)));
            return session;
        }
        UserEntity.BindReply.Bound bound = (UserEntity.BindReply.Bound) b.reply();
        session.jid = bound.jid();
        session.bound.begin(bound.entity());
        Element bind = Element.build("bind", Ns.BIND).textChild("jid", Ns.BIND, session.jid.toString()).get();
        session.out.send(request.result(bind));
        session.bound.deliverEarly();
        return session;
    }
}
