package chorus.node.session;

import chorus.actors.feature.register.RegisterForm;
import chorus.actors.feature.register.RegisterRequest;
import chorus.actors.mailbox.Offline;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.StanzaError;
import chorus.node.xmppstream.ClientSource;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * XEP-0077 on one client stream: registration before authentication (when the admin enabled it, or with an
 * invitation's token, see {@link InviteRedemption}),
 * password change and account removal after. Passwords go straight into SCRAM derivation and are
 * never kept, logged or echoed back (errors leave the request's payload out, §3.3).
 */
final class Registration {
    /** What the session receives back from the account service. */
    sealed interface Step extends StreamSession.Local {
    }

    record Registered(Iq request, BareJid account, UserEntity.AccountReply reply, Throwable failure) implements Step {
    }

    record PasswordChanged(Iq request, UserEntity.AccountReply reply, Throwable failure) implements Step {
    }

    record Removed(Iq request, UserEntity.AccountReply reply, Throwable failure) implements Step {
    }

    private final StreamSession session;
    private final SessionContext node;
    private final ClientOutput out;
    /** The id of a removal this stream asked for; its stream ends once the answer went out. */
    private String removing;

    Registration(StreamSession session) {
        this.session = session;
        this.node = session.node;
        this.out = session.out;
    }

    boolean enabled() {
        return node.registration().enabled();
    }

    /** The stream feature announced before authentication, when registration is open. */
    Element feature() {
        return RegisterForm.STREAM_FEATURE;
    }

    boolean removing() {
        return removing != null;
    }

    /** A registration IQ before authentication (§3.1); allowed when registration is open or with an invitation. */
    void beforeAuth(Iq iq) {
        Iq request = iq.withFromTo(null, null);
        boolean invited = session.invite.holds();
        if (!enabled() && !invited) {
            out.send(RegisterForm.errorReply(request, StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE,
                "registration is closed on this server; ask its admin for an account or an invitation")));
            return;
        }
        if (iq.type() == Iq.Type.GET) {
            out.send(request.result(RegisterForm.form(node.registration().instructions())));
            return;
        }
        RegisterRequest r = RegisterForm.parse(iq.payload().orElseThrow(), node.domain(), null);
        if (r instanceof RegisterRequest.Invalid invalid) {
            out.send(RegisterForm.errorReply(request, invalid.error()));
            return;
        }
        RegisterRequest.Register reg = (RegisterRequest.Register) r;
        if (invited) {
            session.invite.register(request, reg); // counted against the source at its preauth
            return;
        }
        ClientSource from = session.transport.source();
        if ((from.address() == null && !from.onion()) || !node.limiter().tryAcquire(from)) {
            out.send(RegisterForm.errorReply(request, new StanzaError(StanzaError.Condition.POLICY_VIOLATION,
                StanzaError.Type.WAIT, "too many registrations from your address; try again later")));
            return;
        }
        BareJid account = new BareJid(reg.username(), node.domain().domain());
        pipe(node.admin().create(account, reg.password()),
            (reply, failure) -> new Registered(request, account, reply, failure));
    }

    /** A registration IQ of an authenticated account: its form, a password change or removal (§3.2-3.3). */
    void afterAuth(Iq iq, BareJid user) {
        Iq request = iq.withFromTo(null, null);
        if (iq.type() == Iq.Type.GET) {
            out.send(request.result(RegisterForm.registered(user, node.registration().instructions())));
            return;
        }
        RegisterRequest r = RegisterForm.parse(iq.payload().orElseThrow(), node.domain(), user);
        if (r instanceof RegisterRequest.Invalid invalid) {
            out.send(RegisterForm.errorReply(request, invalid.error()));
        } else if (r instanceof RegisterRequest.ChangePassword change) {
            pipe(node.admin().changePassword(user, change.password()),
                (reply, failure) -> new PasswordChanged(request, reply, failure));
        } else if (r instanceof RegisterRequest.Remove) {
            removing = request.id();
            pipe(node.admin().remove(user), (reply, failure) -> new Removed(request, reply, failure));
        } else {
            out.send(RegisterForm.errorReply(request, StanzaError.of(StanzaError.Condition.BAD_REQUEST)));
        }
    }

    private <T> void pipe(CompletionStage<T> stage, java.util.function.BiFunction<T, Throwable, Step> step) {
        session.ctx().pipeToSelf(stage, step::apply);
    }

    /** The account service answered; returns true when the stream must now end (the account is gone). */
    boolean onStep(Step step) {
        if (step instanceof Registered r) {
            if (r.failure() != null) {
                out.send(RegisterForm.errorReply(r.request(), failed(r.failure())));
            } else if (r.reply() instanceof UserEntity.AccountReply.Failed f && "conflict".equals(f.condition())) {
                // §3.1: the username is taken.
                out.send(RegisterForm.errorReply(r.request(), StanzaError.of(StanzaError.Condition.CONFLICT,
                    "that username is taken")));
            } else {
                out.send(r.request().result());
                notifyAdmins(r.account());
            }
            return false;
        }
        if (step instanceof PasswordChanged p) {
            out.send(p.failure() == null && p.reply() instanceof UserEntity.AccountReply.Done
                ? p.request().result() : RegisterForm.errorReply(p.request(), failed(p.failure())));
            return false;
        }
        Removed rm = (Removed) step;
        if (rm.failure() == null && rm.reply() instanceof UserEntity.AccountReply.Done) {
            out.send(rm.request().result());
            return true;
        }
        removing = null;
        out.send(RegisterForm.errorReply(rm.request(), failed(rm.failure())));
        return false;
    }

    static StanzaError failed(Throwable failure) {
        if (failure instanceof IllegalArgumentException) {
            return StanzaError.of(StanzaError.Condition.NOT_ACCEPTABLE, failure.getMessage());
        }
        return StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR, "try again");
    }

    /**
     * The admins learn about a new account and the address it came from: the one place a client's
     * address appears. It is a server notice ({@link Offline#serverNotice}): an offline admin's mailbox keeps
     * it at most chorus.registration.notice-retention, in a row of its own that is then deleted; its no-store
     * hint keeps it out of message archives; it is not logged.
     */
    void notifyAdmins(BareJid account) {
        String text = "New account " + account + " was registered in-band from "
            + session.transport.source().describe() + ".";
        for (BareJid admin : node.registration().admins()) {
            node.router().route(new Message(node.domain(), admin, null, Message.Type.CHAT, null, List.of(
                Element.build("body", Ns.CLIENT).text(text).get(),
                Element.of("no-store", Offline.HINTS), Offline.noticeMarker())));
        }
    }
}
