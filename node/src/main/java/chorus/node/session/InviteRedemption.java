package chorus.node.session;

import chorus.actors.feature.invite.Invites;
import chorus.actors.feature.register.RegisterForm;
import chorus.actors.feature.register.RegisterRequest;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.node.xmppstream.ClientSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * XEP-0445 (XEP-0401 §5) on one stream: before authentication the client sends {@code <preauth token=''/>} in an IQ;
 * a valid token lets this stream register one account (XEP-0077) even when open registration is off. The token is
 * taken for good only when the account is made (given back when that fails), so it stays single use across the
 * cluster. Every preauth counts against the source's registration allowance ({@link RegistrationLimiter}), which is
 * what keeps token guessing slow; the registration it allows does not count again. A user's invite then makes the
 * inviter and the new account mutual contacts (XEP-0379). Errors leave the request's payload out: the token is not
 * echoed.
 */
final class InviteRedemption {
    private static final Logger log = LoggerFactory.getLogger(InviteRedemption.class);

    static final String PARS_NS = "urn:xmpp:pars:0";
    /** XEP-0401 §5 and XEP-0445 §3: registration with a token is possible here. */
    static final Element INVITE_FEATURE = Element.of("register", "urn:xmpp:invite");
    static final Element TOKEN_FEATURE = Element.of("register", "urn:xmpp:ibr-token:0");

    /** What the session receives back while redeeming. */
    sealed interface Step extends StreamSession.Local {
    }

    record Checked(Iq request, String token, Optional<Invites.Held> held, Throwable failure) implements Step {
        @Override
        public String toString() {
            return "Checked[" + request.id() + "]";
        }
    }

    record Taken(Iq request, RegisterRequest.Register registration, Optional<Invites.Held> held, Throwable failure)
        implements Step {
        @Override
        public String toString() {
            return "Taken[" + request.id() + "]";
        }
    }

    record Created(Iq request, BareJid account, Invites.Held held, UserEntity.AccountReply reply, Throwable failure)
        implements Step {
    }

    record Befriended(Iq request, BareJid account, Throwable failure) implements Step {
    }

    private final StreamSession session;
    /** The token this stream showed and the server accepted; null before, and after it was used. */
    private String token;
    /** A registration with the token is under way: a second one waits for its answer. */
    private boolean busy;

    InviteRedemption(StreamSession session) {
        this.session = session;
    }

    /** Whether this stream holds a checked token (its registration is allowed whatever the server's setting). */
    boolean holds() {
        return token != null;
    }

    /** The {@code <preauth/>} IQ (XEP-0445 §3). */
    void preauth(Iq iq) {
        Iq request = iq.withFromTo(null, null);
        SessionContext node = session.node;
        if (!node.invitesOn()) {
            session.out.send(RegisterForm.errorReply(request, StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE,
                "this server makes no invitations")));
            return;
        }
        Element preauth = iq.payload().orElseThrow();
        String given = preauth.attr("token");
        if (iq.type() != Iq.Type.SET || given == null || given.isEmpty()) {
            session.out.send(RegisterForm.errorReply(request,
                StanzaError.of(StanzaError.Condition.BAD_REQUEST, "a token is required")));
            return;
        }
        ClientSource from = session.transport.source();
        if ((from.address() == null && !from.onion()) || !node.limiter().tryAcquire(from)) {
            session.out.send(RegisterForm.errorReply(request, new StanzaError(StanzaError.Condition.POLICY_VIOLATION,
                StanzaError.Type.WAIT, "too many registration attempts from your address; try again later")));
            return;
        }
        pipe(node.invites().check(given), (held, failure) -> new Checked(request, given, held, failure));
    }

    /** The registration IQ set of a stream that holds a token: the token is taken, then the account made. */
    void register(Iq request, RegisterRequest.Register registration) {
        if (busy) {
            session.out.send(RegisterForm.errorReply(request, new StanzaError(StanzaError.Condition.RESOURCE_CONSTRAINT,
                StanzaError.Type.WAIT, "a registration is under way on this stream")));
            return;
        }
        busy = true;
        pipe(session.node.invites().take(token), (held, failure) -> new Taken(request, registration, held, failure));
    }

    void onStep(Step step) {
        if (step instanceof Checked c) {
            onChecked(c);
        } else if (step instanceof Taken t) {
            onTaken(t);
        } else if (step instanceof Created c) {
            onCreated(c);
        } else {
            Befriended b = (Befriended) step;
            if (b.failure() != null) {
                log.warn("an invited account and its inviter could not be made contacts: {}",
                    b.failure().getClass().getSimpleName());
            }
            registered(b.request(), b.account());
        }
    }

    private void onChecked(Checked c) {
        if (c.failure() != null) {
            session.out.send(RegisterForm.errorReply(c.request(),
                StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR, "try again")));
        } else if (c.held().isEmpty()) {
            session.out.send(RegisterForm.errorReply(c.request(), StanzaError.of(StanzaError.Condition.FORBIDDEN,
                "this invitation is not valid: it is unknown, used or expired")));
        } else {
            token = c.token();
            session.out.send(c.request().result());
        }
    }

    private void onTaken(Taken t) {
        if (t.failure() != null || t.held().isEmpty()) {
            busy = false;
            if (t.failure() == null) {
                token = null;
            }
            session.out.send(RegisterForm.errorReply(t.request(), t.failure() != null
                ? StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR, "try again")
                : StanzaError.of(StanzaError.Condition.FORBIDDEN, "the invitation was used or has expired meanwhile")));
            return;
        }
        Invites.Held held = t.held().get();
        BareJid account = new BareJid(t.registration().username(), session.node.domain().domain());
        pipe(session.node.admin().create(account, t.registration().password()),
            (reply, failure) -> new Created(t.request(), account, held, reply, failure));
    }

    private void onCreated(Created c) {
        busy = false;
        boolean made = c.failure() == null && c.reply() instanceof UserEntity.AccountReply.Done;
        if (!made) {
            // The account was not made: the invitation is open again for the next try.
            session.node.invites().giveBack(c.held());
            session.out.send(RegisterForm.errorReply(c.request(), c.reply() instanceof UserEntity.AccountReply.Failed f
                && "conflict".equals(f.condition())
                ? StanzaError.of(StanzaError.Condition.CONFLICT, "that username is taken")
                : Registration.failed(c.failure())));
            return;
        }
        token = null;
        BareJid inviter = c.held().inviter();
        if (inviter != null) {
            pipe(session.node.admin().subscribeMutually(inviter, c.account()),
                (v, failure) -> new Befriended(c.request(), c.account(), failure));
        } else {
            registered(c.request(), c.account());
        }
    }

    private void registered(Iq request, BareJid account) {
        session.out.send(request.result());
        session.registration.notifyAdmins(account);
    }

    private <T> void pipe(CompletionStage<T> stage, BiFunction<T, Throwable, Step> step) {
        session.ctx().pipeToSelf(stage, step::apply);
    }
}
