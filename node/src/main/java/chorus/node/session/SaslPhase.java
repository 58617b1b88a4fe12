package chorus.node.session;

import chorus.actors.account.Credentials;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.session.SessionInput;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.config.SessionLimits;
import chorus.node.login.CredentialsLookup;
import chorus.node.login.HashingPool;
import chorus.node.login.LoginThrottle;
import chorus.actors.feature.fast.FastFeature;
import chorus.node.sasl.HtServer;
import chorus.node.sasl.SaslFailure;
import chorus.node.sasl.SaslMechanism;
import chorus.node.sasl.SaslStep;
import chorus.node.sasl.SaslWire;
import chorus.node.sasl2.Sasl2Request;
import chorus.node.sasl2.Sasl2Wire;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The SASL phase of one client stream (RFC 6120 §6): drives one mechanism attempt at a time. When the mechanism
 * names an account, the login throttle is asked first (a refused name or source gets temporary-auth-failure), then
 * the account's entity for its credentials, without blocking; PBKDF2 (PLAIN) runs on the node's password-hashing
 * pool. Answers are timed so that nothing tells whether the account exists: the answer to a lookup goes out no
 * sooner than {@code login-lookup-time} after it was asked, a failure at a fixed time after the client's message
 * (the failure delay, longer for names and sources with many failures), whatever the lookup and the hashing took.
 * Too many failures end the stream.
 */
final class SaslPhase {
    /** What the session receives back from its own asynchronous SASL steps. */
    sealed interface Step extends StreamSession.Local {
    }

    record Checked(SaslMechanism attempt, LoginThrottle.Verdict verdict) implements Step {
    }

    record CredentialsArrived(SaslMechanism attempt, UserEntity.CredentialsReply reply, Throwable failure)
        implements Step {
    }

    /** The mechanism's answer to the credentials, computed on the hashing pool. */
    record Computed(SaslMechanism attempt, SaslStep step, Throwable failure) implements Step {
    }

    /** The account's entity checked a FAST token (XEP-0484). */
    record TokenChecked(SaslMechanism attempt, FastFeature.Verdict verdict, Throwable failure) implements Step {
    }

    /** A step held back until its time. */
    record Release(SaslMechanism attempt, SaslStep step) implements Step {
    }

    record DelayedFailure(Element failure, boolean last) implements Step {
    }

    /** How long a FAST token's check waits for the account's entity (one question: it may revoke the token). */
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(10);
    static final String REFUSED = "too many failed logins; try again later";
    static final String BUSY = "the server is busy; try again later";

    private final StreamSession session;
    private final SessionContext node;
    private final Transport transport;
    private SaslMechanism attempt;
    private int failures;
    /** An answer of ours is due (a lookup, hashing, or a delayed answer): the client waits for it (RFC 6120 §6.4). */
    private boolean waiting;
    /** When the client's last SASL message arrived, and when the current attempt's lookup began. */
    private Instant stepStarted;
    private Instant lookupStarted;
    /** The account the current attempt named, and what the throttle said about it (null: no lookup yet). */
    private BareJid account;
    private LoginThrottle.Verdict verdict;
    /**
     * XEP-0388: the current attempt came in a SASL2 {@code <authenticate/>} (null: RFC 6120's {@code <auth/>}). Its
     * answers take SASL2's form, and its success goes on with {@link Sasl2Login}; its failures count as any.
     */
    private Sasl2Request sasl2;
    /** The current attempt's profile is SASL2 (its request may have been refused before it had one). */
    private boolean v2Attempt;

    SaslPhase(StreamSession session) {
        this.session = session;
        this.node = session.node;
        this.transport = session.transport;
    }

    Element mechanismsFeature() {
        return SaslWire.mechanismsFeature(mechanisms());
    }

    /** The mechanisms this stream offers, in preference order (the same over RFC 6120 SASL and SASL2). */
    java.util.List<String> mechanisms() {
        return node.sasl().advertised(transport.secure(), transport.channelBindings());
    }

    /** XEP-0440: the channel-binding types this connection offers its -PLUS mechanisms, when it offers them. */
    java.util.Optional<Element> channelBindingFeature() {
        boolean plus = node.sasl().advertised(transport.secure(), transport.channelBindings()).stream()
            .anyMatch(m -> m.endsWith(chorus.node.sasl.SaslMechanisms.PLUS));
        return plus ? java.util.Optional.of(SaslWire.channelBindingFeature(transport.channelBindings().types()))
            : java.util.Optional.empty();
    }

    /** An element of the SASL namespace from the client. */
    void onElement(Element e) {
        if (waiting) {
            // The client did not wait for the answer to its last message; it gets that answer first.
            return;
        }
        stepStarted = node.clock().instant();
        boolean v2 = Sasl2Wire.NS.equals(e.ns());
        if (e.is("auth", Ns.SASL)) {
            sasl2 = null;
            v2Attempt = false;
            attempt = node.sasl().create(e.attr("mechanism"), node.domain(), transport.secure(), transport.channelBindings());
            account = null;
            verdict = null;
            handle(SaslWire.start(attempt, e));
        } else if (e.is("authenticate", Sasl2Wire.NS) && node.sasl2().enabled()) {
            startSasl2(e);
        } else if (attempt != null && v2 == v2Attempt && e.is("response", v2 ? Sasl2Wire.NS : Ns.SASL)) {
            handle(SaslWire.respond(attempt, e));
        } else if (e.is("abort", v2 ? Sasl2Wire.NS : Ns.SASL)) {
            attempt = null;
            answerAtOnce(new SaslStep.Failure(SaslFailure.ABORTED, null), v2);
        } else {
            attempt = null;
            answerAtOnce(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "unexpected " + e.name()), v2);
        }
    }

    /** XEP-0388 §2.2: {@code <authenticate/>}, its mechanism started with the initial response if it has one. */
    private void startSasl2(Element e) {
        Sasl2Request r;
        v2Attempt = true;
        try {
            r = Sasl2Request.parse(e, node.sasl2());
        } catch (Sasl2Request.Malformed m) {
            // Counted as a failure: a client that sends nothing but oversized requests still meets the limit.
            sasl2 = null;
            attempt = null;
            account = null;
            verdict = null;
            fail(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, m.getMessage()));
            return;
        }
        sasl2 = r;
        attempt = session.sasl2.fastMechanisms().contains(r.mechanism())
            ? new HtServer(r.mechanism(), node.domain(), transport.channelBindings())
            : node.sasl().create(r.mechanism(), node.domain(), transport.secure(), transport.channelBindings());
        account = null;
        verdict = null;
        handle(attempt.start(r.initialResponse()));
    }

    /** What goes to the client for a step of the current attempt, in the form of its SASL profile. */
    private Element element(SaslStep step) {
        return v2Attempt ? Sasl2Wire.element(step) : SaslWire.element(step);
    }

    /** An abort, or a message out of place: answered at once, and no attempt that counts. */
    private void answerAtOnce(SaslStep.Failure f, boolean v2) {
        node.metrics().login(NodeMetrics.LoginOutcome.ofCondition(f.condition().xmlName()));
        session.out.send(v2 ? Sasl2Wire.element(f) : SaslWire.element(f));
    }

    Behavior<SessionInput> onStep(Step step) {
        if (step instanceof DelayedFailure d) {
            waiting = false;
            session.out.send(d.failure());
            if (d.last()) {
                // RFC 6120 §6.4.5: a reasonable number of retries, then the stream ends.
                transport.fail(new StreamError(StreamErrors.POLICY_VIOLATION, "too many failed authentication attempts"));
            }
            return session;
        }
        SaslMechanism of = step instanceof Checked c ? c.attempt() : step instanceof CredentialsArrived c ? c.attempt()
            : step instanceof Computed c ? c.attempt() : step instanceof TokenChecked c ? c.attempt()
            : ((Release) step).attempt();
        if (of != attempt || attempt == null) {
            return session;
        }
        if (step instanceof Checked c) {
            onChecked(c.verdict());
        } else if (step instanceof CredentialsArrived c) {
            onCredentials(c);
        } else if (step instanceof TokenChecked c) {
            node.guards().lookups().took(Duration.between(lookupStarted, node.clock().instant()));
            answerLookup(c.failure() != null ? new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, null)
                : ((HtServer) attempt).verdict(c.verdict().responder()));
        } else if (step instanceof Computed c) {
            if (c.failure() != null) {
                // The hashing pool is full: the login is not judged at all, and the client may try again.
                handle(new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, BUSY));
            } else {
                answerLookup(c.step());
            }
        } else {
            waiting = false;
            handle(((Release) step).step());
        }
        return session;
    }

    private void onChecked(LoginThrottle.Verdict v) {
        verdict = v;
        if (v.refused()) {
            handle(new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, REFUSED));
            return;
        }
        SaslMechanism current = attempt;
        if (current instanceof HtServer ht) {
            // XEP-0484: the account's entity holds the tokens (hashed) and checks the proof against them.
            boolean invalidate = sasl2 != null && sasl2.fast() != null
                && ("true".equals(sasl2.fast().attr("invalidate")) || "1".equals(sasl2.fast().attr("invalidate")));
            java.time.Instant now = node.clock().instant();
            session.ctx().ask(FastFeature.Verdict.class, node.accounts().apply(account.toString()), LOOKUP_TIMEOUT,
                replyTo -> new FastFeature.Verify(ht.name(), ht.proof(), ht.cbData(), invalidate, now, replyTo),
                (reply, failure) -> new TokenChecked(current, reply, failure));
            return;
        }
        session.ctx().pipeToSelf(CredentialsLookup.ask(node.accounts().apply(account.toString()),
                node.guards().lookups().timeout(), session.ctx().getSystem().scheduler(), node.guards().lookups().removals()),
            (reply, failure) -> new CredentialsArrived(current, reply, failure));
    }

    private void onCredentials(CredentialsArrived c) {
        node.guards().lookups().took(Duration.between(lookupStarted, node.clock().instant()));
        if (c.failure() != null) {
            handle(new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, null));
            return;
        }
        Credentials found = c.reply().credentials();
        SaslMechanism current = attempt;
        if (!current.hashesPasswords()) {
            answerLookup(found == null ? current.noSuchAccount() : current.credentials(found));
            return;
        }
        // PBKDF2 takes milliseconds of CPU: never on the actors' threads. The mechanism is left alone here
        // until its answer is back (waiting is set), so only the pool's thread touches it meanwhile.
        CompletableFuture<SaslStep> hashed = HashingPool.supply(node.guards().hashing(),
            () -> found == null ? current.noSuchAccount() : current.credentials(found));
        session.ctx().pipeToSelf(hashed, (step, failure) -> new Computed(current, step, failure));
    }

    /**
     * What the mechanism made of the credentials goes out no sooner than the node's lookup floor after the lookup
     * began (at least login-lookup-time, and as long as nearly all recent lookups took), so that an answer does
     * not tell how long this lookup took; a failure waits for its own time too (see {@link #fail}).
     */
    private void answerLookup(SaslStep step) {
        Duration wait = Duration.between(node.clock().instant(), lookupStarted.plus(node.guards().lookups().floor()));
        if (wait.compareTo(Duration.ZERO) > 0) {
            session.ctx().scheduleOnce(wait, session.ctx().getSelf(), new Release(attempt, step));
            return;
        }
        waiting = false;
        handle(step);
    }

    private void handle(SaslStep step) {
        ActorContext<SessionInput> ctx = session.ctx();
        if (step instanceof SaslStep.NeedCredentials n) {
            waiting = true;
            account = n.account();
            lookupStarted = node.clock().instant();
            SaslMechanism current = attempt;
            ctx.pipeToSelf(node.guards().logins().check(account, transport.source()),
                (v, failure) -> new Checked(current, v == null ? LoginThrottle.Verdict.FREE : v));
        } else if (step instanceof SaslStep.Success s) {
            attempt = null;
            node.guards().logins().succeeded(s.account());
            node.metrics().login(NodeMetrics.LoginOutcome.SUCCESS);
            if (sasl2 != null) {
                // XEP-0388 §2.6.1: no restart; what the client asked for inline is done before <success/> leaves.
                Sasl2Request r = sasl2;
                sasl2 = null;
                session.sasl2.succeeded(s, r);
                return;
            }
            // RFC 6120 §6.4.6: the parser restarts before <success/> leaves, ready for the new stream.
            transport.restartThenSend(SaslWire.element(s));
            session.negotiation.authenticated(s.account());
        } else if (step instanceof SaslStep.Failure f) {
            fail(f);
        } else {
            session.out.send(element(step));
        }
    }

    /**
     * A failure is answered at a fixed time after the client's message: a wrong password's time, longer as the name
     * or source fails more often; whatever the lookup and the hashing took, so an unknown name looks the same.
     */
    private void fail(SaslStep.Failure f) {
        attempt = null;
        failures++;
        boolean last = failures >= node.c2s().maxAuthFailures();
        // Wrong passwords, unknown names and refusals are judged answers: timed alike. Other failures say
        // something about the request, not the account, and go at once.
        boolean judged = f.condition() == SaslFailure.NOT_AUTHORIZED || verdict != null && verdict.refused();
        if (f.condition() == SaslFailure.NOT_AUTHORIZED && account != null) {
            node.guards().logins().failed(account, transport.source());
        }
        node.metrics().login(NodeMetrics.LoginOutcome.ofCondition(f.condition().xmlName()));
        Duration wait = Duration.ZERO;
        if (judged) {
            SessionLimits.LoginThrottling t = node.c2s().sessionLimits().logins();
            LoginThrottle.Verdict v = verdict == null ? LoginThrottle.Verdict.FREE : verdict;
            Duration delay = v.failureDelay(node.c2s().authFailureDelay(), t.maxDelay());
            wait = Duration.between(node.clock().instant(), stepStarted.plus(delay));
        }
        account = null;
        verdict = null;
        waiting = true;
        Element answer = element(f);
        sasl2 = null;
        v2Attempt = false;
        if (wait.compareTo(Duration.ZERO) <= 0) {
            onStep(new DelayedFailure(answer, last));
        } else {
            session.ctx().scheduleOnce(wait, session.ctx().getSelf(), new DelayedFailure(answer, last));
        }
    }
}
