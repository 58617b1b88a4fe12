package chorus.node.s2s;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.s2s.RemoteDomain;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.xmppstream.StanzaIntake;
import chorus.node.xmppstream.ServerSideStream;
import chorus.node.xmppstream.StartTls;
import chorus.node.xmppstream.StreamOpening;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One per incoming server-to-server stream, on the node that accepted the connection (RFC 6120 §4, the receiving
 * side). TLS first (STARTTLS on the s2s port, or direct TLS, XEP-0368), unless the peer is one the operator allows
 * without TLS. The peer authenticates its domain with SASL EXTERNAL (XEP-0178), offered only when its certificate is
 * valid for the domain, or with Server Dialback (XEP-0220) where {@link SecureAuthPolicy} allows it: a key is verified
 * through the outgoing stream of the pair ({@link RemoteDomain.Verify}), and answered at once when the peer's
 * certificate is valid for the domain anyway (XEP-0344). The peer's {@code <db:verify/>} questions about keys this
 * cluster issued need no state: any node recomputes the key ({@link DialbackKeys}).
 *
 * <p>Once authenticated, each stanza must name a domain the stream authenticated in 'from' ({@code invalid-from})
 * and one this server answers for in 'to' ({@code host-unknown}); it then goes to the router. XEP-0198
 * acknowledgements are offered after SASL. Stanzas are held to {@code chorus.s2s.rate} ({@link PeerRate}): over it
 * the connection is read from no further until the debt is paid, and a peer behind it for too long ends with
 * policy-violation. A stream not authenticated in time, or idle too long, is closed.
 *
 * <p>Over 400 lines: the receiving side's whole negotiation and intake in RFC order; to be split by phase like
 * {@code node/session}. The stream-input steps and the closed stream are {@link ServerSideStream}'s, shared with
 * {@code ComponentStream}.
 */
final class IncomingStream extends ServerSideStream<IncomingStream.Input> {
    private static final Logger log = LoggerFactory.getLogger(IncomingStream.class);

    interface Input {
    }

    record Inbound(StreamEvent event) implements Input {
    }

    enum TransportClosed implements Input { INSTANCE }

    /** The node stops: the stream ends with system-shutdown. */
    enum Shutdown implements Input { INSTANCE }

    private enum NegotiationTimeout implements Input { INSTANCE }

    private enum IdleCheck implements Input { INSTANCE }

    /** The peer's debt over its rate is paid: its connection is read from again. */
    private enum RateDebtPaid implements Input { INSTANCE }

    /**
     * Whether a peer behind its rate has become abusive: its connection is not read while it is in debt, and one read
     * can bring a debt far longer than the abuse time, so no stanza would bring the verdict in time.
     */
    private enum AbuseCheck implements Input { INSTANCE }

    /** The answer to a dialback key this stream asked the pair's entity to verify. */
    private record Checked(String from, String to, RemoteDomain.Verified result) implements Input {
    }

    private enum Phase { AWAIT_STREAM, TLS, OPEN }

    private final TimerScheduler<Input> timers;
    private final S2sContext node;
    private final StanzaIntake intake;
    /** The domains the peer proved, by SASL or dialback: it may send from these only. */
    private final Set<String> authenticated = new HashSet<>();
    private final Map<String, PeerCertificates.Verdict> verdicts = new HashMap<>();
    private Phase phase = Phase.AWAIT_STREAM;
    /** The peer's domain as its header says, or null. */
    private String peer;
    private boolean sasl;
    /** XEP-0198: enabled by the peer, and the stanzas handled since. */
    private boolean sm;
    private long handled;
    private int checking;
    private Instant lastTraffic;
    private boolean admitted;
    /** The peer's stanza rate (null: off), and whether its connection waits for its debt to be paid. */
    private final PeerRate rate;
    private boolean heldForRate;

    private IncomingStream(ActorContext<Input> ctx, TimerScheduler<Input> timers, Transport transport, S2sContext node) {
        super(ctx, transport, new StreamOpening(node.router().domain().toString(), node.router()::hosts, Ns.SERVER, true));
        this.node = node;
        this.intake = new StanzaIntake(Ns.SERVER, jid -> authenticated.contains(jid.domain()));
        this.lastTraffic = node.clock().instant();
        this.rate = PeerRate.of(node.settings().rate());
        this.timers = timers;
        timers.startSingleTimer(NegotiationTimeout.INSTANCE, NegotiationTimeout.INSTANCE,
            node.settings().negotiationTimeout());
        Duration idle = node.settings().idleTimeout();
        timers.startTimerWithFixedDelay(IdleCheck.INSTANCE, idle.dividedBy(4).compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1) : idle.dividedBy(4));
        S2sStreams.Admission admission = node.streams().admit(ctx.getSelf(), transport.source().address());
        admitted = admission == S2sStreams.Admission.ADMITTED;
        node.opened(NodeMetrics.Direction.INBOUND);
        if (admission == S2sStreams.Admission.NODE_FULL) {
            fail(StreamErrors.RESOURCE_CONSTRAINT, "this server holds all the server-to-server streams it can");
        } else if (admission == S2sStreams.Admission.SOURCE_FULL) {
            fail(StreamErrors.POLICY_VIOLATION, "too many server-to-server streams from your address");
        }
    }

    static Behavior<Input> create(Transport transport, S2sContext node) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new IncomingStream(ctx, timers, transport, node)));
    }

    @Override
    public Receive<Input> createReceive() {
        return newReceiveBuilder()
            .onMessage(Inbound.class, in -> {
                lastTraffic = node.clock().instant();
                return onInbound(in.event());
            })
            .onMessage(Checked.class, this::onChecked)
            .onMessageEquals(TransportClosed.INSTANCE, Behaviors::stopped)
            .onMessageEquals(NegotiationTimeout.INSTANCE, this::onNegotiationTimeout)
            .onMessageEquals(IdleCheck.INSTANCE, this::onIdleCheck)
            .onMessageEquals(AbuseCheck.INSTANCE, this::onAbuseCheck)
            .onMessageEquals(RateDebtPaid.INSTANCE, () -> {
                heldForRate = false;
                lastTraffic = node.clock().instant();
                transport.holdReading(false);
                return this;
            })
            .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
            .onSignal(PostStop.class, s -> {
                if (admitted) {
                    node.streams().gone(getContext().getSelf());
                }
                node.closed(NodeMetrics.Direction.INBOUND);
                return this;
            })
            .build();
    }

    // ---- negotiation ----

    @Override
    protected boolean awaitingHeader() {
        return phase == Phase.AWAIT_STREAM;
    }

    @Override
    protected Behavior<Input> onHeader(StreamEvent.StreamOpen open) {
        StreamError refused = opening.answer(open, transport);
        if (refused != null) {
            return fail(refused);
        }
        peer = domainOf(open.from());
        Element.Builder features = Element.build("features", Ns.STREAMS);
        if (!transport.secure() && transport.canStartTls()) {
            phase = Phase.TLS;
            if (plaintextPeer()) {
                features.child(S2sElements.starttls()).child(S2sElements.dialbackFeature());
            } else {
                features.child(StartTls.FEATURE);
            }
        } else if (!sasl) {
            phase = Phase.OPEN;
            if (peer != null && verdict(peer).valid()) {
                features.child(S2sElements.mechanisms());
            }
            if (peer == null || !node.policy().requiresValidCertificate(peer)) {
                features.child(S2sElements.dialbackFeature());
            }
        } else {
            phase = Phase.OPEN;
            if (node.settings().smEnabled()) {
                features.child(S2sElements.smFeature());
            }
        }
        transport.send(features.get());
        return this;
    }

    /** A peer the operator allows without TLS (a private network), which then may use dialback in the clear. */
    private boolean plaintextPeer() {
        return peer != null && node.policy().allowsPlaintext(peer);
    }

    @Override
    protected Behavior<Input> onElement(Element e) {
        switch (phase) {
            case TLS:
                if (e.is("starttls", Ns.TLS)) {
                    StartTls.take(e, transport);
                    phase = Phase.AWAIT_STREAM;
                    opening.restarted();
                    return this;
                }
                if (plaintextPeer()) {
                    return onOpenElement(e);
                }
                return fail(StreamErrors.POLICY_VIOLATION, "STARTTLS is required");
            case OPEN:
                return onOpenElement(e);
            default:
                return fail(StreamErrors.NOT_WELL_FORMED, "no stream is open");
        }
    }

    private Behavior<Input> onOpenElement(Element e) {
        if (intake.isStanza(e)) {
            return onStanza(e);
        }
        if (e.ns().equals(S2sElements.DIALBACK)) {
            if (e.name().equals("result")) {
                return onResult(e);
            }
            if (e.name().equals("verify")) {
                return onVerify(e);
            }
        } else if (e.ns().equals(Ns.SASL) && transport.secure() && !sasl && authenticated.isEmpty()) {
            return onSasl(e);
        } else if (e.ns().equals(S2sElements.SM)) {
            return onSm(e);
        }
        return fail(authenticated.isEmpty() ? StreamErrors.NOT_AUTHORIZED : StreamErrors.UNSUPPORTED_STANZA_TYPE,
            "unexpected " + e.name());
    }

    /** XEP-0178 §3: the peer's certificate is valid for the domain it claims (the stream's, or the authzid). */
    private Behavior<Input> onSasl(Element e) {
        if (!e.name().equals("auth")) {
            transport.send(S2sElements.saslFailure("aborted"));
            return this;
        }
        if (!S2sElements.EXTERNAL.equals(e.attr("mechanism"))) {
            transport.send(S2sElements.saslFailure("invalid-mechanism"));
            return this;
        }
        String authzid;
        try {
            String text = e.text().strip();
            authzid = text.isEmpty() || text.equals("=") ? null
                : domainOf(new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
            if (!text.isEmpty() && !text.equals("=") && authzid == null) {
                transport.send(S2sElements.saslFailure("invalid-authzid"));
                return this;
            }
        } catch (IllegalArgumentException bad) {
            transport.send(S2sElements.saslFailure("incorrect-encoding"));
            return this;
        }
        String domain = authzid != null ? authzid : peer;
        if (domain == null || (peer != null && !domain.equals(peer))) {
            transport.send(S2sElements.saslFailure("invalid-authzid"));
            return this;
        }
        if (!verdict(domain).valid()) {
            transport.send(S2sElements.saslFailure("not-authorized"));
            return this;
        }
        authenticated.add(domain);
        sasl = true;
        phase = Phase.AWAIT_STREAM;
        opening.restarted();
        transport.restartThenSend(S2sElements.saslSuccess());
        log.debug("incoming stream from {} authenticated by certificate", domain);
        return this;
    }

    /** XEP-0220 §2.2: the peer (originating server) gives a key for a pair of domains. */
    private Behavior<Input> onResult(Element e) {
        if (e.attr("type") != null) {
            return this; // verdicts travel on our outgoing streams, not here
        }
        String from = domainOf(e.attr("from"));
        String to = domainOf(e.attr("to"));
        if (from == null) {
            return fail(StreamErrors.INVALID_FROM, "dialback needs the sending domain");
        }
        if (to == null || !node.router().hosts(to)) {
            return fail(StreamErrors.HOST_UNKNOWN, "this server does not serve that domain");
        }
        if (!transport.secure() && !node.policy().allowsPlaintext(from)) {
            return fail(StreamErrors.POLICY_VIOLATION, "dialback without TLS");
        }
        if (authenticated.contains(from)) {
            transport.send(S2sElements.resultAnswer(to, from, true));
            return this;
        }
        SecureAuthPolicy.Decision d = node.policy().decide(from, transport.secure() ? verdict(from) : null, true);
        if (d == SecureAuthPolicy.Decision.REFUSE) {
            transport.send(S2sElements.resultError(to, from, "not-acceptable",
                "this server requires a certificate valid for your domain"));
            return this;
        }
        if (d == SecureAuthPolicy.Decision.SASL_EXTERNAL) {
            // XEP-0344 §2.3: the certificate already proves the domain; no need to ask its server.
            authenticated.add(from);
            transport.send(S2sElements.resultAnswer(to, from, true));
            return this;
        }
        String key = e.text().strip();
        checking++;
        getContext().ask(RemoteDomain.Verified.class, node.remotes().entity(to, from),
            node.settings().negotiationTimeout(), replyTo -> new RemoteDomain.Verify(opening.id(), key, replyTo),
            (r, err) -> new Checked(from, to, r != null ? r : new RemoteDomain.Verified(opening.id(), false, true)));
        return this;
    }

    private Behavior<Input> onChecked(Checked c) {
        checking--;
        if (closed()) {
            return this;
        }
        if (c.result().failed()) {
            transport.send(S2sElements.resultError(c.to(), c.from(), "remote-server-not-found",
                "could not reach your domain's server to verify the key"));
            return this;
        }
        transport.send(S2sElements.resultAnswer(c.to(), c.from(), c.result().valid()));
        if (!c.result().valid()) {
            return fail(StreamErrors.NOT_AUTHORIZED, "the dialback key is not valid");
        }
        authenticated.add(c.from());
        log.debug("incoming stream from {} authenticated by dialback", c.from());
        return this;
    }

    /** XEP-0220 §2.4: the peer (receiving server) asks whether this cluster issued a key; any node can tell. */
    private Behavior<Input> onVerify(Element e) {
        if (e.attr("type") != null) {
            return this;
        }
        String from = domainOf(e.attr("from"));
        String to = domainOf(e.attr("to"));
        String id = e.attr("id");
        if (from == null || to == null || id == null) {
            return fail(StreamErrors.IMPROPER_ADDRESSING, "db:verify needs from, to and id");
        }
        boolean valid = node.router().hosts(to) && node.keys().verify(e.text(), from, to, id);
        transport.send(S2sElements.verifyAnswer(to, from, id, valid));
        return this;
    }

    /** XEP-0198 on an s2s stream: counts only (a stream carries stanzas one way), once the peer authenticated. */
    private Behavior<Input> onSm(Element e) {
        switch (e.name()) {
            case "enable":
                if (authenticated.isEmpty() || sm || !node.settings().smEnabled()) {
                    transport.send(S2sElements.smFailed("unexpected-request"));
                } else {
                    sm = true;
                    handled = 0;
                    transport.send(S2sElements.smEnabled());
                }
                return this;
            case "r":
                if (sm) {
                    transport.send(S2sElements.smAnswer(handled));
                }
                return this;
            default:
                return this;
        }
    }

    // ---- stanzas (RFC 6120 §8.1.1.2, §8.1.2.2, §13.6) ----

    private Behavior<Input> onStanza(Element e) {
        if (authenticated.isEmpty()) {
            return fail(StreamErrors.NOT_AUTHORIZED, "authenticate first");
        }
        String from = e.attr("from");
        String to = e.attr("to");
        if (from == null || to == null) {
            return fail(StreamErrors.IMPROPER_ADDRESSING, "a stanza between servers needs 'from' and 'to'");
        }
        String fromDomain = domainOfAddress(from);
        if (fromDomain == null || !authenticated.contains(fromDomain)) {
            return fail(StreamErrors.INVALID_FROM, "the stream did not authenticate that domain");
        }
        String toDomain = domainOfAddress(to);
        if (toDomain != null && !node.router().hosts(toDomain)) {
            return fail(StreamErrors.HOST_UNKNOWN, "this server does not serve that domain");
        }
        if (rate != null) {
            Duration wait = rate.take(e.weight());
            if (rate.abusive()) {
                return fail(StreamErrors.POLICY_VIOLATION, "stanzas faster than this server's rate for too long");
            }
            if (!wait.isZero()) {
                // Read again only once the whole debt is paid: what was read ahead counts too (the timer restarts).
                if (!heldForRate) {
                    heldForRate = true;
                    transport.holdReading(true);
                }
                timers.startSingleTimer(RateDebtPaid.INSTANCE, RateDebtPaid.INSTANCE, wait);
                if (!timers.isTimerActive(AbuseCheck.INSTANCE)) {
                    timers.startSingleTimer(AbuseCheck.INSTANCE, AbuseCheck.INSTANCE, rate.untilAbusive());
                }
            }
        }
        if (sm) {
            handled++;
        }
        StanzaIntake.Taken t = intake.take(e, null);
        if (t instanceof StanzaIntake.Taken.Accepted a) {
            node.router().route(a.stanza());
        } else if (t instanceof StanzaIntake.Taken.Refused r) {
            Stanza reply = StanzaIntake.addressedErrorFor(e, r.error(), Ns.SERVER);
            if (reply != null) {
                node.router().route(reply);
            }
        } else {
            return fail(((StanzaIntake.Taken.Failed) t).error());
        }
        return this;
    }

    // ---- time and the end ----

    private Behavior<Input> onNegotiationTimeout() {
        if (authenticated.isEmpty() && !closed()) {
            return fail(StreamErrors.CONNECTION_TIMEOUT, "not authenticated in time");
        }
        return this;
    }

    private Behavior<Input> onAbuseCheck() {
        if (closed() || rate == null) {
            return this;
        }
        if (rate.abusive()) {
            return fail(StreamErrors.POLICY_VIOLATION, "stanzas faster than this server's rate for too long");
        }
        Duration left = rate.untilAbusive();
        if (left != null) {
            timers.startSingleTimer(AbuseCheck.INSTANCE, AbuseCheck.INSTANCE, left);
        }
        return this;
    }

    private Behavior<Input> onIdleCheck() {
        Duration idle = Duration.between(lastTraffic, node.clock().instant());
        // A stream held for its rate is silent because this side does not read it: not idle.
        if (!closed() && !heldForRate && idle.compareTo(node.settings().idleTimeout()) >= 0) {
            markClosed();
            transport.close(); // RFC 6120 §4.4: an idle stream is simply closed
        }
        return this;
    }

    private Behavior<Input> onShutdown() {
        if (!closed()) {
            if (!opening.headerSent()) {
                return fail(StreamErrors.SYSTEM_SHUTDOWN, "the server is stopping");
            }
            markClosed();
            transport.endGracefully(StreamError.of(StreamErrors.SYSTEM_SHUTDOWN));
        }
        return this;
    }

    @Override
    protected void failing(StreamError error) {
        log.debug("incoming stream from {} failed: {}", peer, error.condition());
    }

    // ---- helpers ----

    private PeerCertificates.Verdict verdict(String domain) {
        return verdicts.computeIfAbsent(domain, d -> node.certificates().check(transport.peerCertificates(), d));
    }

    /** A domain as a stream header or dialback names it, prepared; null when it is not a domain. */
    static String domainOf(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            Jid j = Jid.parse(s);
            return j.isDomain() ? j.domain() : null;
        } catch (JidMalformedException e) {
            return null;
        }
    }

    /** The domain of any address, prepared; null when it does not parse. */
    private static String domainOfAddress(String s) {
        try {
            return Jid.parse(s).domain();
        } catch (JidMalformedException e) {
            return null;
        }
    }
}
