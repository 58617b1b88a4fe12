package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.sasl.SaslFailure;
import chorus.node.sasl.SaslMechanism;
import chorus.node.sasl.SaslStep;
import chorus.node.sasl.SaslWire;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.time.Duration;

/**
 * The SASL phase of one client stream (RFC 6120 §6): drives one mechanism attempt at a time, fetches
 * the account's credentials from its entity without blocking, answers failures after a delay, and
 * ends the stream after too many of them.
 */
final class SaslPhase {
    /** What the session receives back from its own asynchronous SASL steps. */
    sealed interface Step extends StreamSession.Local {
    }

    record CredentialsArrived(SaslMechanism attempt, UserEntity.CredentialsReply reply, Throwable failure)
        implements Step {
    }

    record DelayedFailure(Element failure, boolean last) implements Step {
    }

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final StreamSession session;
    private final SessionContext node;
    private final Transport transport;
    private SaslMechanism attempt;
    private int failures;
    private boolean failurePending;

    SaslPhase(StreamSession session) {
        this.session = session;
        this.node = session.node;
        this.transport = session.transport;
    }

    Element mechanismsFeature() {
        return SaslWire.mechanismsFeature(node.sasl().advertised(transport.secure()));
    }

    /** An element of the SASL namespace from the client. */
    void onElement(Element e) {
        if (failurePending) {
            // The client did not wait for the answer to its last attempt; it gets that answer first.
            return;
        }
        if (e.is("auth", Ns.SASL)) {
            attempt = node.sasl().create(e.attr("mechanism"), node.domain(), transport.secure());
            handle(SaslWire.start(attempt, e));
        } else if (e.is("response", Ns.SASL) && attempt != null) {
            handle(SaslWire.respond(attempt, e));
        } else if (e.is("abort", Ns.SASL)) {
            attempt = null;
            session.out.send(SaslWire.element(new SaslStep.Failure(SaslFailure.ABORTED, null)));
        } else {
            attempt = null;
            session.out.send(SaslWire.element(
                new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "unexpected " + e.name())));
        }
    }

    Behavior<SessionInput> onStep(Step step) {
        if (step instanceof CredentialsArrived c) {
            if (c.attempt() != attempt) {
                return session;
            }
            if (c.failure() != null) {
                attempt = null;
                session.out.send(SaslWire.element(new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, null)));
                return session;
            }
            Object creds = c.reply().credentials();
            handle(creds == null ? attempt.noSuchAccount() : attempt.credentials(c.reply().credentials()));
            return session;
        }
        DelayedFailure d = (DelayedFailure) step;
        failurePending = false;
        session.out.send(d.failure());
        if (d.last()) {
            // RFC 6120 §6.4.5: a reasonable number of retries, then the stream ends.
            transport.fail(new StreamError(StreamErrors.POLICY_VIOLATION, "too many failed authentication attempts"));
        }
        return session;
    }

    private void handle(SaslStep step) {
        ActorContext<SessionInput> ctx = session.ctx();
        if (step instanceof SaslStep.NeedCredentials n) {
            SaslMechanism current = attempt;
            ctx.ask(UserEntity.CredentialsReply.class, node.accounts().apply(n.account().toString()), LOOKUP_TIMEOUT,
                UserEntity.GetCredentials::new,
                (reply, failure) -> new CredentialsArrived(current, reply, failure));
        } else if (step instanceof SaslStep.Success s) {
            attempt = null;
            // RFC 6120 §6.4.6: the parser restarts before <success/> leaves, ready for the new stream.
            transport.restartThenSend(SaslWire.element(s));
            session.authenticated(s.account());
        } else if (step instanceof SaslStep.Failure f) {
            attempt = null;
            failures++;
            boolean last = failures >= node.c2s().maxAuthFailures();
            failurePending = true;
            Duration delay = f.condition() == SaslFailure.NOT_AUTHORIZED
                ? node.c2s().authFailureDelay() : Duration.ZERO;
            ctx.scheduleOnce(delay, ctx.getSelf(), new DelayedFailure(SaslWire.element(f), last));
        } else {
            session.out.send(SaslWire.element(step));
        }
    }
}
