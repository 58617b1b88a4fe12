package chorus.node.c2s;

import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.sasl.SaslFailure;
import chorus.node.sasl.SaslMechanism;
import chorus.node.sasl.SaslStep;
import chorus.node.sasl.SaslWire;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The SASL phase of one client stream (RFC 6120 §6): drives one mechanism attempt at a time, fetches
 * the account's credentials from its entity without blocking, answers failures after a delay, and
 * ends the stream after too many of them.
 */
final class C2sSasl {
    /** What the session receives back from its own asynchronous SASL steps. */
    sealed interface Step extends C2sSession.Local {
    }

    record CredentialsArrived(SaslMechanism attempt, UserEntity.CredentialsReply reply, Throwable failure) implements Step {
    }

    record DelayedFailure(Element failure, boolean last) implements Step {
    }

    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final C2sContext node;
    private final ActorContext<SessionInput> ctx;
    private final C2sConnection connection;
    private SaslMechanism attempt;
    private int failures;
    private boolean failurePending;

    C2sSasl(C2sContext node, ActorContext<SessionInput> ctx, C2sConnection connection) {
        this.node = node;
        this.ctx = ctx;
        this.connection = connection;
    }

    Element mechanismsFeature() {
        return SaslWire.mechanismsFeature(node.sasl().advertised(connection.secure()));
    }

    /** An element of the SASL namespace from the client. */
    void onElement(Element e, Consumer<BareJid> success) {
        if (failurePending) {
            // The client did not wait for the answer to its last attempt; it gets that answer first.
            return;
        }
        if (e.is("auth", Ns.SASL)) {
            attempt = node.sasl().create(e.attr("mechanism"), node.domain(), connection.secure());
            handle(SaslWire.start(attempt, e), success);
        } else if (e.is("response", Ns.SASL) && attempt != null) {
            handle(SaslWire.respond(attempt, e), success);
        } else if (e.is("abort", Ns.SASL)) {
            attempt = null;
            connection.send(SaslWire.element(new SaslStep.Failure(SaslFailure.ABORTED, null)));
        } else {
            attempt = null;
            connection.send(SaslWire.element(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "unexpected " + e.name())));
        }
    }

    void onStep(Step step, Consumer<BareJid> success) {
        if (step instanceof CredentialsArrived c) {
            if (c.attempt() != attempt) {
                return;
            }
            if (c.failure() != null) {
                attempt = null;
                connection.send(SaslWire.element(new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, null)));
                return;
            }
            Object creds = c.reply().credentials();
            handle(creds == null ? attempt.noSuchAccount() : attempt.credentials(c.reply().credentials()), success);
            return;
        }
        DelayedFailure d = (DelayedFailure) step;
        failurePending = false;
        connection.send(d.failure());
        if (d.last()) {
            // RFC 6120 §6.4.5: a reasonable number of retries, then the stream ends.
            connection.fail("policy-violation", "too many failed authentication attempts");
        }
    }

    private void handle(SaslStep step, Consumer<BareJid> success) {
        if (step instanceof SaslStep.NeedCredentials n) {
            SaslMechanism current = attempt;
            ctx.ask(UserEntity.CredentialsReply.class,
                node.sharding().entityRefFor(UserEntity.KEY, n.account().toString()), LOOKUP_TIMEOUT,
                UserEntity.GetCredentials::new,
                (reply, failure) -> new CredentialsArrived(current, reply, failure));
        } else if (step instanceof SaslStep.Success s) {
            attempt = null;
            // RFC 6120 §6.4.6: the parser restarts before <success/> leaves, ready for the new stream.
            connection.restartStreamThenSend(SaslWire.element(s));
            success.accept(s.account());
        } else if (step instanceof SaslStep.Failure f) {
            attempt = null;
            failures++;
            boolean last = failures >= node.settings().c2s().maxAuthFailures();
            failurePending = true;
            Duration delay = f.condition() == SaslFailure.NOT_AUTHORIZED
                ? node.settings().c2s().authFailureDelay() : Duration.ZERO;
            ctx.scheduleOnce(delay, ctx.getSelf(), new DelayedFailure(SaslWire.element(f), last));
        } else {
            connection.send(SaslWire.element(step));
        }
    }
}
