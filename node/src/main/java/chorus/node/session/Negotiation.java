package chorus.node.session;

import chorus.actors.feature.register.RegisterForm;
import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaException;
import chorus.node.sasl2.Sasl2Wire;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.xmppstream.StanzaIntake;
import chorus.node.xmppstream.StartTls;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The stream's negotiation up to binding (RFC 6120 §4.3): each stream header the client sends is answered with the
 * features of the phase the stream is in (STARTTLS, then SASL, SASL2 (XEP-0388) and XEP-0077 registration, then
 * binding, XEP-0198 and the per-session extensions' features); STARTTLS is taken (§5), and before authentication only
 * SASL (§6), SASL2, registration (XEP-0077 §3.1) and an invitation's token (XEP-0445 §3) are allowed.
 */
final class Negotiation {
    private final StreamSession session;

    Negotiation(StreamSession session) {
        this.session = session;
    }

    /** The client's header: ours answers it, with the features of the phase the stream is in now. */
    Behavior<SessionInput> onStreamOpen(StreamEvent.StreamOpen open) {
        if (session.phase != Phase.AWAIT_STREAM) {
            return session.fail(StreamErrors.NOT_WELL_FORMED, "a stream header inside the stream");
        }
        StreamError refused = session.opening.answer(open, session.transport);
        if (refused != null) {
            return session.fail(refused);
        }
        Element.Builder features = Element.build("features", Ns.STREAMS);
        if (!session.transport.secure() && session.transport.canStartTls()) {
            session.phase = Phase.TLS;
            features.child(StartTls.FEATURE);
        } else if (session.user == null) {
            session.phase = Phase.AUTH;
            features.child(session.sasl.mechanismsFeature());
            if (session.node.sasl2().enabled()) {
                // XEP-0388 §2.1: the same mechanisms, offered with what can be done inline.
                features.child(session.sasl2.feature(session.sasl.mechanisms()));
            }
            session.sasl.channelBindingFeature().ifPresent(features::child);
            if (session.registration.enabled()) {
                features.child(session.registration.feature());
            }
            if (session.node.invitesOn()) {
                features.child(InviteRedemption.INVITE_FEATURE);
                features.child(InviteRedemption.TOKEN_FEATURE);
            }
        } else {
            session.phase = Phase.BIND;
            features.child(Element.of("bind", Ns.BIND));
            if (session.node.c2s().sm().enabled() && session.transport.offersStreamManagement()) {
                features.child(StreamManagement.feature());
            }
            features.child(Element.build("session", Ns.SESSION).child(Element.of("optional", Ns.SESSION)).get());
            features.child(Element.of("ver", "urn:xmpp:features:rosterver"));
            session.extensions.features().forEach(features::child);
        }
        session.out.send(features.get());
        return session;
    }

    /** RFC 6120 §5.4.2: {@code <starttls/>}; the stream restarts over TLS. */
    Behavior<SessionInput> onTlsElement(Element e) {
        StreamError refused = StartTls.take(e, session.transport);
        if (refused != null) {
            return session.fail(refused);
        }
        session.phase = Phase.AWAIT_STREAM;
        session.opening.restarted();
        return session;
    }

    /** RFC 6120 §6, and XEP-0077 §3.1: registration is the one thing allowed before authentication. */
    Behavior<SessionInput> onAuthElement(Element e) {
        if (e.ns().equals(Ns.SASL) || e.ns().equals(Sasl2Wire.NS)) {
            session.sasl.onElement(e);
            return session;
        }
        boolean preauth = e.is("iq", Ns.CLIENT) && e.child("preauth", InviteRedemption.PARS_NS).isPresent();
        if (e.is("iq", Ns.CLIENT) && (preauth || e.child("query", RegisterForm.NS).isPresent())) {
            try {
                if (Stanza.fromElement(e) instanceof Iq iq && iq.isRequest()) {
                    if (preauth) {
                        session.invite.preauth(iq);
                    } else {
                        session.registration.beforeAuth(iq);
                    }
                    return session;
                }
            } catch (StanzaException ex) {
                session.sendIfAny(StanzaIntake.errorFor(e, ex.error(), Ns.CLIENT));
                return session;
            }
        }
        return session.fail(StreamErrors.NOT_AUTHORIZED, "authenticate first");
    }

    /** SASL succeeded for this account: the next stream header starts the authenticated stream. */
    void authenticated(BareJid account) {
        session.user = account;
        session.entity = session.node.accounts().apply(account.toString());
        session.phase = Phase.AWAIT_STREAM;
        session.opening.restarted();
    }
}
