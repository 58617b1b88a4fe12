package chorus.node.s2s;

import chorus.actors.metrics.NodeMetrics;
import chorus.actors.s2s.RemoteDomain;
import chorus.actors.s2s.RemoteLink;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.xmppstream.StreamInput;
import chorus.node.stream.StreamHeader;
import chorus.node.tcp.TcpConnection;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outgoing server-to-server stream of one pair of domains (RFC 6120 §4, the initiating side), the
 * {@link RemoteLink} of a {@link RemoteDomain} entity: finds the peer ({@link S2sResolver}), connects to its
 * addresses in turn, starts TLS (STARTTLS, or direct TLS from an {@code _xmpps-server} record), checks the peer's
 * certificate (refused when {@link SecureAuthPolicy} wants it valid and it is not), and authenticates this
 * server's domain: SASL EXTERNAL (XEP-0178) when the peer offers it, else Server Dialback (XEP-0220) with a key
 * from {@link DialbackKeys}. Then XEP-0198 when the peer offers it, and the entity hears that the link is up. The
 * entity's questions about other servers' dialback keys go out as soon as the stream is secured.
 *
 * <p>Over 400 lines: one negotiation (resolve, connect, TLS, certificate, SASL or dialback, XEP-0198) read top to
 * bottom as the RFC orders it; split by phase like {@code node/session} when it grows further.
 */
final class OutgoingStream extends AbstractBehavior<RemoteLink> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OutgoingStream.class);

    private record Resolved(List<S2sEndpoint.Address> addresses) implements RemoteLink {
    }

    private record Unresolvable(String reason) implements RemoteLink {
    }

    private record Connected(int attempt, TcpConnection connection) implements RemoteLink {
    }

    private record ConnectFailed(int attempt, String reason) implements RemoteLink {
    }

    /** What the peer's side of connection {@code attempt} said. */
    record Inbound(int attempt, StreamEvent event) implements RemoteLink {
    }

    /** Connection {@code attempt} is gone. */
    record Closed(int attempt) implements RemoteLink {
    }

    private enum NegotiationTimeout implements RemoteLink { INSTANCE }

    private enum RequestAck implements RemoteLink { INSTANCE }

    private enum Phase { RESOLVING, CONNECTING, AWAIT_HEADER, AWAIT_FEATURES, AWAIT_PROCEED, AWAIT_SASL, AWAIT_DIALBACK,
        AWAIT_ENABLED, UP }

    /** A stream error of the peer during negotiation that says it will not take us: no use trying again soon. */
    private static final Set<String> REFUSALS = Set.of("host-unknown", "not-authorized", "policy-violation",
        "improper-addressing", "invalid-from", "invalid-namespace", "unsupported-version", "remote-connection-failed");
    /** XEP-0198: stanzas written before we ask for an acknowledgement at once, and the pause after which we ask. */
    static final int ACK_EVERY = 10;
    static final Duration ACK_PAUSE = Duration.ofMillis(200);

    private final String local;
    private final String remote;
    private final long epoch;
    private final ActorRef<RemoteDomain.Command> owner;
    private final S2sContext node;
    private final TimerScheduler<RemoteLink> timers;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<RemoteLink.Verify> verifies = new ArrayList<>();

    private Phase phase = Phase.RESOLVING;
    private List<S2sEndpoint.Address> addresses = List.of();
    private int attempt = -1;
    private TcpConnection transport;
    private String peerStreamId;
    private boolean dialbackDeclared;
    private PeerCertificates.Verdict verdict;
    private boolean saslDone;
    private boolean externalRefused;
    private Element features;
    private boolean sm;
    private int unacked;
    private boolean counted;

    private OutgoingStream(ActorContext<RemoteLink> ctx, TimerScheduler<RemoteLink> timers, String local, String remote,
                           long epoch, ActorRef<RemoteDomain.Command> owner, S2sContext node) {
        super(ctx);
        this.timers = timers;
        this.local = local;
        this.remote = remote;
        this.epoch = epoch;
        this.owner = owner;
        this.node = node;
        timers.startSingleTimer(NegotiationTimeout.INSTANCE, NegotiationTimeout.INSTANCE,
            node.settings().negotiationTimeout());
        java.util.concurrent.CompletionStage<List<S2sEndpoint.Address>> found;
        try {
            found = node.resolver().resolve(remote);
        } catch (RuntimeException e) {
            found = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        ctx.pipeToSelf(found, (list, e) -> e == null ? new Resolved(list) : new Unresolvable(reason(e)));
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof S2sResolver.NotFound ? cause.getMessage()
            : "its address could not be looked up (" + cause.getClass().getSimpleName() + ")";
    }

    /** The factory the node gives the {@link RemoteDomain} entities. */
    static RemoteLink.Factory factory(S2sContext node) {
        return (local, remote, epoch, owner) -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new OutgoingStream(ctx, timers, local, remote, epoch, owner, node)));
    }

    @Override
    public Receive<RemoteLink> createReceive() {
        return newReceiveBuilder()
            .onMessage(Resolved.class, r -> {
                addresses = r.addresses();
                return connectNext();
            })
            .onMessage(Unresolvable.class, u -> down(RemoteDomain.Failure.NOT_FOUND, u.reason()))
            .onMessage(Connected.class, this::onConnected)
            .onMessage(ConnectFailed.class, f -> f.attempt() == attempt ? connectNext() : this)
            .onMessage(Inbound.class, this::onInbound)
            .onMessage(Closed.class, this::onClosed)
            .onMessage(RemoteLink.Send.class, this::onSend)
            .onMessage(RemoteLink.Verify.class, this::onVerify)
            .onMessageEquals(RemoteLink.Close.INSTANCE, this::onClose)
            .onMessageEquals(RequestAck.INSTANCE, this::requestAck)
            .onMessageEquals(NegotiationTimeout.INSTANCE, () -> phase == Phase.UP ? this
                : down(RemoteDomain.Failure.UNREACHABLE, "not authenticated within " + node.settings().negotiationTimeout()))
            .onSignal(PostStop.class, s -> {
                stopped.set(true);
                if (counted) {
                    node.closed(NodeMetrics.Direction.OUTBOUND);
                }
                return this;
            })
            .build();
    }

    // ---- connecting ----

    private Behavior<RemoteLink> connectNext() {
        if (transport != null) {
            transport.closeNow();
            transport = null;
        }
        attempt++;
        if (attempt >= addresses.size()) {
            return down(RemoteDomain.Failure.UNREACHABLE, addresses.isEmpty() ? "no address"
                : "none of its " + addresses.size() + " addresses answered");
        }
        phase = Phase.CONNECTING;
        peerStreamId = null;
        dialbackDeclared = false;
        verdict = null;
        saslDone = false;
        externalRefused = false;
        features = null;
        int n = attempt;
        S2sEndpoint.Address a = addresses.get(n);
        ActorRef<RemoteLink> self = getContext().getSelf();
        getContext().pipeToSelf(node.connector().connect(a, remote, n, self).whenComplete((c, e) -> {
            if (c != null && stopped.get()) {
                c.closeNow(); // the link stopped while connecting
            }
        }), (c, e) -> e == null ? new Connected(n, c) : new ConnectFailed(n, e.getClass().getSimpleName()));
        return this;
    }

    private Behavior<RemoteLink> onConnected(Connected c) {
        if (c.attempt() != attempt) {
            c.connection().closeNow();
            return this;
        }
        transport = c.connection();
        if (!counted) {
            counted = true;
            node.opened(NodeMetrics.Direction.OUTBOUND);
        }
        phase = Phase.AWAIT_HEADER;
        transport.send(header());
        return this;
    }

    private StreamHeader header() {
        return new StreamHeader(local, remote, null, "1.0", null, Ns.SERVER);
    }

    private Behavior<RemoteLink> onClosed(Closed c) {
        if (c.attempt() != attempt) {
            return this;
        }
        transport = null;
        if (phase == Phase.UP) {
            return down(RemoteDomain.Failure.CLOSED, "the connection closed");
        }
        if (phase == Phase.CONNECTING) {
            return this; // the connect attempt reports itself
        }
        // Closed during negotiation (a TLS handshake that failed, a peer that hung up): the next address.
        return connectNext();
    }

    // ---- the peer's side of the stream ----

    private Behavior<RemoteLink> onInbound(Inbound in) {
        if (in.attempt() != attempt || transport == null) {
            return this;
        }
        try {
            return StreamInput.dispatch(in.event(), steps);
        } finally {
            if (transport != null) {
                transport.processed();
            }
        }
    }

    private final StreamInput<Behavior<RemoteLink>> steps = new StreamInput<>() {
        @Override
        public Behavior<RemoteLink> header(StreamEvent.StreamOpen open) {
            return onHeader(open);
        }

        @Override
        public Behavior<RemoteLink> element(Element e) {
            return onElement(e);
        }

        @Override
        public Behavior<RemoteLink> end() {
            transport.close();
            transport = null;
            return phase == Phase.UP ? down(RemoteDomain.Failure.CLOSED, "the peer closed the stream") : connectNext();
        }

        @Override
        public Behavior<RemoteLink> broken(StreamError error) {
            transport.fail(error);
            transport = null;
            return down(phase == Phase.UP ? RemoteDomain.Failure.CLOSED : RemoteDomain.Failure.UNREACHABLE,
                "the peer broke the stream: " + error.condition());
        }
    };

    private Behavior<RemoteLink> onHeader(StreamEvent.StreamOpen open) {
        if (open.version() == null || !open.version().startsWith("1.")) {
            return down(RemoteDomain.Failure.NOT_FOUND, "the peer does not speak XMPP 1.0");
        }
        peerStreamId = open.id();
        dialbackDeclared = S2sElements.DIALBACK.equals(open.attrs().get("xmlns:db"));
        phase = Phase.AWAIT_FEATURES;
        return this;
    }

    private Behavior<RemoteLink> onElement(Element e) {
        if (e.is("features", Ns.STREAMS) && phase == Phase.AWAIT_FEATURES) {
            return onFeatures(e);
        }
        if (e.is("error", Ns.STREAMS)) {
            return onStreamError(e);
        }
        if (e.ns().equals(Ns.TLS) && phase == Phase.AWAIT_PROCEED) {
            if (!e.name().equals("proceed")) {
                return connectNext();
            }
            phase = Phase.AWAIT_HEADER;
            transport.startTlsThenSend(header());
            return this;
        }
        if (e.ns().equals(Ns.SASL) && phase == Phase.AWAIT_SASL) {
            return onSaslAnswer(e);
        }
        if (e.ns().equals(S2sElements.DIALBACK)) {
            return onDialback(e);
        }
        if (e.ns().equals(S2sElements.SM)) {
            return onSm(e);
        }
        return this; // a stream carries stanzas one way: nothing else is expected from the peer here
    }

    private Behavior<RemoteLink> onStreamError(Element e) {
        String condition = e.elements().stream().filter(c -> c.ns().equals(Ns.STREAM_ERRORS) && !c.name().equals("text"))
            .map(Element::name).findFirst().orElse("undefined-condition");
        transport.closeNow();
        transport = null;
        if (phase == Phase.UP) {
            return down(RemoteDomain.Failure.CLOSED, "the peer ended the stream: " + condition);
        }
        return down(REFUSALS.contains(condition) ? RemoteDomain.Failure.NOT_FOUND : RemoteDomain.Failure.UNREACHABLE,
            "the peer refused the stream: " + condition);
    }

    /** RFC 6120 §4.3.2: TLS first, then the peer's certificate, then authentication, then acknowledgements. */
    private Behavior<RemoteLink> onFeatures(Element f) {
        if (!transport.secure()) {
            if (f.child("starttls", Ns.TLS).isPresent()) {
                transport.send(S2sElements.starttls());
                phase = Phase.AWAIT_PROCEED;
                return this;
            }
            if (!node.policy().allowsPlaintext(remote)) {
                return down(RemoteDomain.Failure.NOT_FOUND, "the peer offers no TLS");
            }
        } else if (verdict == null) {
            verdict = node.certificates().check(transport.peerCertificates(), remote);
            if (!verdict.valid() && node.policy().requiresValidCertificate(remote)) {
                return down(RemoteDomain.Failure.NOT_FOUND, "its certificate is not acceptable: " + verdict.reason());
            }
        }
        sendVerifies();
        if (saslDone) {
            return enableSmOrUp(f);
        }
        features = f;
        return authenticate();
    }

    private Behavior<RemoteLink> authenticate() {
        boolean external = !externalRefused && features.child("mechanisms", Ns.SASL)
            .map(m -> m.elements("mechanism", Ns.SASL).stream().anyMatch(x -> x.text().strip().equals(S2sElements.EXTERNAL)))
            .orElse(false);
        if (external && transport.secure()) {
            transport.send(S2sElements.externalAuth(local));
            phase = Phase.AWAIT_SASL;
            return this;
        }
        boolean dialback = dialbackDeclared || features.child("dialback", S2sElements.DIALBACK_FEATURE).isPresent();
        if (dialback && peerStreamId != null) {
            transport.send(S2sElements.result(local, remote, node.keys().key(remote, local, peerStreamId)));
            phase = Phase.AWAIT_DIALBACK;
            return this;
        }
        return down(RemoteDomain.Failure.NOT_FOUND, "the peer accepts neither our certificate nor dialback");
    }

    private Behavior<RemoteLink> onSaslAnswer(Element e) {
        if (e.name().equals("success")) {
            saslDone = true;
            phase = Phase.AWAIT_HEADER;
            transport.restartThenSend(header());
            return this;
        }
        externalRefused = true; // XEP-0178 §3: the peer does not take our certificate; dialback may still do
        return authenticate();
    }

    private Behavior<RemoteLink> onDialback(Element e) {
        String type = e.attr("type");
        if (e.name().equals("verify") && type != null) {
            owner.tell(new RemoteDomain.LinkVerified(epoch, e.attr("id"), "valid".equals(type)));
            return this;
        }
        if (e.name().equals("result") && type != null && phase == Phase.AWAIT_DIALBACK) {
            if ("valid".equals(type)) {
                return enableSmOrUp(features);
            }
            return down(RemoteDomain.Failure.NOT_FOUND, "the peer refused our dialback key (" + type + ")");
        }
        return this;
    }

    private Behavior<RemoteLink> enableSmOrUp(Element f) {
        if (node.settings().smEnabled() && f != null && f.child("sm", S2sElements.SM).isPresent()) {
            transport.send(S2sElements.smEnable());
            phase = Phase.AWAIT_ENABLED;
            return this;
        }
        return up(false);
    }

    private Behavior<RemoteLink> onSm(Element e) {
        switch (e.name()) {
            case "enabled":
                return phase == Phase.AWAIT_ENABLED ? up(true) : this;
            case "failed":
                return phase == Phase.AWAIT_ENABLED ? up(false) : this;
            case "a":
                try {
                    owner.tell(new RemoteDomain.LinkAcked(epoch, Long.parseLong(e.attr("h"))));
                } catch (NumberFormatException bad) {
                    return this;
                }
                return this;
            case "r":
                transport.send(S2sElements.smAnswer(0)); // nothing comes to us on this stream
                return this;
            default:
                return this;
        }
    }

    private Behavior<RemoteLink> up(boolean acks) {
        log.debug("stream from {} to {} is up ({})", local, remote, acks ? "XEP-0198" : "acknowledged by pings");
        phase = Phase.UP;
        sm = acks;
        timers.cancel(NegotiationTimeout.INSTANCE);
        owner.tell(new RemoteDomain.LinkUp(epoch, acks));
        return this;
    }

    // ---- what the entity says ----

    private Behavior<RemoteLink> onSend(RemoteLink.Send s) {
        if (phase != Phase.UP) {
            log.debug("stream from {} to {} not up ({}): a send is dropped", local, remote, phase);
            return this; // the entity sends only once the link is up
        }
        Stanza st = s.stanza();
        transport.send(st);
        if (sm) {
            if (++unacked >= ACK_EVERY) {
                return requestAck();
            }
            if (!timers.isTimerActive(RequestAck.INSTANCE)) {
                timers.startSingleTimer(RequestAck.INSTANCE, RequestAck.INSTANCE, ACK_PAUSE);
            }
        }
        return this;
    }

    private Behavior<RemoteLink> requestAck() {
        timers.cancel(RequestAck.INSTANCE);
        if (phase == Phase.UP && unacked > 0) {
            unacked = 0;
            transport.send(S2sElements.smRequest());
        }
        return this;
    }

    private Behavior<RemoteLink> onVerify(RemoteLink.Verify v) {
        verifies.add(v);
        sendVerifies();
        return this;
    }

    /** XEP-0220 §2.4: questions about keys go out once the stream is secured (or allowed in the clear). */
    private void sendVerifies() {
        boolean ready = transport != null && phase != Phase.AWAIT_HEADER && phase != Phase.CONNECTING
            && phase != Phase.AWAIT_PROCEED && (transport.secure() || node.policy().allowsPlaintext(remote))
            && (!transport.secure() || verdict != null);
        if (!ready) {
            return;
        }
        for (RemoteLink.Verify v : verifies) {
            transport.send(S2sElements.verify(local, remote, v.streamId(), v.key()));
        }
        verifies.clear();
    }

    private Behavior<RemoteLink> onClose() {
        if (transport != null) {
            transport.close();
        }
        return Behaviors.stopped();
    }

    private Behavior<RemoteLink> down(RemoteDomain.Failure failure, String reason) {
        log.debug("stream from {} to {} down in {}: {}", local, remote, phase, reason);
        owner.tell(new RemoteDomain.LinkDown(epoch, failure, reason));
        if (transport != null) {
            transport.close();
        }
        return Behaviors.stopped();
    }
}
