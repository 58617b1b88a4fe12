package chorus.node.session;

import chorus.actors.MessageTable;
import chorus.actors.cluster.FrameAssembly;
import chorus.actors.cluster.Frames;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;
import chorus.node.config.SessionLimits;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.xmppstream.StanzaIntake;
import chorus.node.xmppstream.StreamOpening;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;

/**
 * One per client stream, on the node that holds its transport (a connection cannot move), whatever the transport:
 * the adapter feeds it {@link StreamEvent}s ({@link Inbound}) and it writes through the {@link Transport}. It runs
 * the stream's negotiation one phase at a time ({@link Phase}: {@link Negotiation} answers each header and takes
 * STARTTLS, then {@link SaslPhase} and {@link Registration}, {@link BindPhase}, {@link Resumption}, or SASL2 with
 * Bind 2 and inline resumption, {@link Sasl2Login}) and then the
 * {@link BoundSession}, and owns the stream's end, whichever way it ends ({@link StreamEnd}). XEP-0198 elements go to
 * {@link SmProtocol}; per-session features plug in as {@link SessionExtension}s.
 */
public final class StreamSession extends AbstractBehavior<SessionInput> {

    /** What the session's transport and its own timers tell it. */
    interface Local extends SessionInput {
    }

    /** What the client's side of the stream said. */
    public record Inbound(StreamEvent event) implements Local {
    }

    /** The transport closed (the connection is gone). */
    public enum TransportClosed implements Local { INSTANCE }

    /** Ends the stream because the node is shutting down. */
    public enum Shutdown implements Local { INSTANCE }

    private enum NegotiationTimeout implements Local { INSTANCE }

    /** The answer to this stream's own account removal went out; the stream ends now. */
    private enum AccountRemoved implements Local { INSTANCE }

    static final Duration REMOVAL_GRACE = Duration.ofMillis(300);

    // ---- what the phases of the stream share ----
    final Transport transport;
    final SessionContext node;
    final TimerScheduler<SessionInput> timers;
    final ClientOutput out;
    final StreamOpening opening;
    final StanzaIntake intake;
    final Reliability reliability;
    Phase phase = Phase.AWAIT_STREAM;
    /** The authenticated account, its entity, and the bound resource. */
    BareJid user;
    RecipientRef<UserEntity.Command> entity;
    FullJid jid;
    /** XEP-0198 Stream Management, once the client enabled it (or resumed a stream that had it). */
    StreamManagement sm;
    /** The transport closed; the actor may still live on to resend what was not accepted. */
    boolean transportGone;
    /** The transport dropped without {@code </stream>}: still bound, waiting to be resumed (XEP-0198). */
    boolean detached;
    /** Shutting down: waiting for pending messages' acceptance before the stream ends. */
    boolean draining;
    /** The server ended this stream after binding: late messages are still read until the transport closes. */
    boolean endedWhileBound;
    /** The node's connection count was decremented for this session. */
    private boolean counted;
    /** How fast the client may send once authenticated (null: no limit). */
    private final Pacing pacing;

    final Negotiation negotiation;
    final SaslPhase sasl;
    final Sasl2Login sasl2;
    final Registration registration;
    final InviteRedemption invite;
    final BindPhase binding;
    final BoundSession bound;
    final Resumption resumption;
    final SmProtocol acks;
    final Extensions extensions;
    private final StreamEnd ending;
    /** Messages larger than a cluster frame travel in frames, both ways (chorus.actors.cluster). */
    final Frames frames;
    private final FrameAssembly framed;

    private StreamSession(ActorContext<SessionInput> ctx, TimerScheduler<SessionInput> timers, Transport transport,
                          SessionContext node) {
        super(ctx);
        this.transport = transport;
        this.node = node;
        this.timers = timers;
        this.out = new ClientOutput(transport, node.clock(), node.metrics());
        this.opening = new StreamOpening(node.domain(), Ns.CLIENT);
        this.intake = new StanzaIntake(Ns.CLIENT, f -> f.equals(jid) || f.equals(user));
        this.reliability = new Reliability(
            Reliability.Courier.through(node.router(), this::sentCopies), node.clock(),
            node.metrics()::routed);
        this.frames = Frames.get(ctx.getSystem());
        this.framed = new FrameAssembly(ctx.getSystem());
        this.negotiation = new Negotiation(this);
        this.sasl = new SaslPhase(this);
        this.sasl2 = new Sasl2Login(this);
        this.registration = new Registration(this);
        this.invite = new InviteRedemption(this);
        this.binding = new BindPhase(this);
        this.bound = new BoundSession(this);
        this.resumption = new Resumption(this);
        this.acks = new SmProtocol(this);
        this.extensions = new Extensions(node.extensions(), bound.link());
        this.ending = new StreamEnd(this);
        SessionLimits.Rate limits = node.c2s().sessionLimits().rate();
        this.pacing = limits.on() ? new Pacing(this, new StanzaRate(limits, System::nanoTime), System::nanoTime) : null;
        Duration timeout = node.c2s().negotiationTimeout();
        if (!timeout.isZero()) {
            timers.startSingleTimer(NegotiationTimeout.INSTANCE, NegotiationTimeout.INSTANCE, timeout);
        }
        node.registry().connected();
    }

    /** The session of one client stream over {@code transport}. */
    public static Behavior<SessionInput> create(Transport transport, SessionContext node) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new StreamSession(ctx, timers, transport, node)));
    }

    /** Whether the account wants copies of the messages this client sends (its entity says; carbons, archive). */
    private boolean sentCopies() {
        return bound.binding.sentCopies();
    }

    ActorRef<SessionMessage> self() {
        return getContext().getSelf().narrow();
    }

    ActorContext<SessionInput> ctx() {
        return getContext();
    }

    /** Every session's handlers, built once (see {@link MessageTable}). */
    private static final MessageTable<StreamSession, SessionInput> MESSAGES =
        MessageTable.<StreamSession, SessionInput>builder()
            .on(Inbound.class, StreamSession::onInbound)
            .on(SaslPhase.Step.class, (s, m) -> s.sasl.onStep(m))
            .on(Registration.Step.class, StreamSession::onRegistrationStep)
            .on(InviteRedemption.Step.class, (s, m) -> {
                s.invite.onStep(m);
                return s;
            })
            .on(AccountRemoved.class, (s, m) -> s.fail(StreamErrors.NOT_AUTHORIZED, "the account was removed"))
            .on(BindPhase.Bound.class, (s, m) -> s.binding.onBound(m))
            .on(Sasl2Login.Bound.class, (s, m) -> s.sasl2.onBound(m))
            .on(Sasl2Login.TokenKept.class, (s, m) -> s.sasl2.onTokenKept(m))
            .on(SessionMessage.Framed.class, StreamSession::onFramed)
            .on(SessionMessage.Deliver.class, (s, m) -> s.bound.onDeliver(m))
            .on(SessionMessage.Offline.class, (s, m) -> s.bound.onOffline(m))
            .on(SessionMessage.Accepted.class, (s, m) -> s.ending.onAccepted(m))
            .on(SessionMessage.Blocklist.class, (s, m) -> {
                s.extensions.fromAccount(m);
                return s;
            })
            .on(SessionMessage.Interests.class, (s, m) -> s.bound.binding.onInterests(m))
            .on(SessionMessage.SentCopies.class, (s, m) -> s.bound.binding.onSentCopies(m))
            .on(SessionMessage.Close.class, (s, m) -> s.ending.onClose(m))
            .on(BoundSession.IqTimeout.class, (s, m) -> s.bound.onIqTimeout(m))
            .on(EntityBinding.EntityGone.class, (s, m) -> s.bound.binding.onEntityGone(m))
            .on(EntityBinding.Rebound.class, (s, m) -> s.bound.binding.onRebound(m))
            .on(EntityBinding.RebindNow.class, (s, m) -> s.bound.binding.rebind())
            .on(BoundSession.ReliabilityTick.class, (s, m) -> s.bound.onReliabilityTick())
            .on(Resumption.Answered.class, (s, m) -> s.resumption.onAnswered(m))
            .on(SessionMessage.Resumption.class, (s, m) -> s.resumption.onResumption(m))
            .on(SessionMessage.HandOver.class, (s, m) -> s.resumption.onHandOver(m))
            .on(IdleSweep.Quiet.class, (s, m) -> s.bound.idle.onQuiet())
            .on(Pacing.Due.class, (s, m) -> s.pacing.onDue())
            .on(Resumption.HandOverMissing.class, (s, m) -> s.resumption.onHandOverMissing())
            .on(Resumption.Expired.class, (s, m) -> s.resumption.onExpired())
            .on(TransportClosed.class, (s, m) -> s.onTransportClosed())
            .on(NegotiationTimeout.class, (s, m) -> s.ending.onNegotiationTimeout())
            .on(Shutdown.class, (s, m) -> s.ending.onShutdown())
            .on(StreamEnd.DrainDeadline.class, (s, m) -> s.ending.endForShutdown())
            .onSignal(PostStop.class, (s, m) -> s.onPostStop())
            .build();

    @Override
    public Receive<SessionInput> createReceive() {
        return MESSAGES.receiveFor(this);
    }

    private Behavior<SessionInput> onPostStop() {
        bound.stopTicking();
        node.registry().unregister(getContext().getSelf());
        node.guards().idle().unwatch(getContext().getSelf());
        countDisconnected();
        return this;
    }

    private Behavior<SessionInput> onInbound(Inbound in) {
        if (pacing != null && pacing.holds(in)) {
            return this; // over its rate: handled later, in order (Pacing)
        }
        return handlePaced(in);
    }

    /** What the client said, its cost counted: handled now, unless the client has been behind its rate too long. */
    Behavior<SessionInput> handlePaced(Inbound in) {
        if (pacing != null && phase != Phase.CLOSED && pacing.abusive()) {
            transport.processed();
            return fail(StreamErrors.POLICY_VIOLATION, "far more stanzas than this server accepts per second");
        }
        return handle(in);
    }

    /** The connection is gone: what the client sent before it went is handled first, whatever its rate. */
    private Behavior<SessionInput> onTransportClosed() {
        Behavior<SessionInput> b = pacing == null ? this : pacing.flush();
        return b != this ? b : ending.onTransportClosed();
    }

    /** Elements of the client count against its rate once it is authenticated. */
    boolean paced() {
        return phase == Phase.BIND || phase == Phase.BOUND || phase == Phase.RESUMING;
    }

    Behavior<SessionInput> handle(Inbound in) {
        try {
            StreamEvent ev = in.event();
            if (phase == Phase.CLOSED) {
                if (endedWhileBound && ev instanceof StreamEvent.StanzaReceived late) {
                    bound.late(late.element());
                } else if (endedWhileBound && ev instanceof StreamEvent.StreamClosed) {
                    transport.closeNow();
                }
                return this;
            }
            if (ev instanceof StreamEvent.StreamOpen open) {
                return negotiation.onStreamOpen(open);
            }
            if (ev instanceof StreamEvent.StanzaReceived s) {
                return onElement(s.element());
            }
            if (ev instanceof StreamEvent.StreamClosed) {
                bound.unbind();
                phase = Phase.CLOSED;
                transport.close();
                return this;
            }
            return fail(((StreamEvent.StreamFailed) ev).toError());
        } finally {
            transport.processed();
        }
    }

    /** A piece of a message too large for one cluster frame: the whole is handled once it is here. */
    private Behavior<SessionInput> onFramed(SessionMessage.Framed f) throws Exception {
        java.util.Optional<Object> whole = framed.accept(f.frame());
        return whole.isPresent() ? receive(getContext(), (SessionInput) whole.get()) : this;
    }

    // ---- the elements of each phase (RFC 6120 §4.3; negotiation: see Negotiation) ----

    /** A first-level element of the client, for the phase the stream is in. */
    Behavior<SessionInput> onElement(Element e) {
        if (phase == Phase.RESUMING) {
            resumption.hold(e);
            return this;
        }
        if (StreamManagement.NS.equals(e.ns()) && phase != Phase.AWAIT_STREAM) {
            return acks.onElement(e);
        }
        if (sm != null && (phase == Phase.BIND || phase == Phase.BOUND) && intake.isStanza(e)) {
            // XEP-0198 §4: every stanza the client sent counts as handled once the session took it.
            sm.received();
        }
        switch (phase) {
            case TLS:
                return negotiation.onTlsElement(e);
            case AUTH:
                return negotiation.onAuthElement(e);
            case BIND:
                return binding.onElement(e);
            case BOUND:
                return bound.onElement(e);
            default:
                return fail(StreamErrors.NOT_WELL_FORMED, "no stream is open");
        }
    }

    void sendIfAny(Stanza reply) {
        if (reply != null) {
            out.send(reply);
        }
    }

    private Behavior<SessionInput> onRegistrationStep(Registration.Step step) {
        if (registration.onStep(step)) {
            // XEP-0077 §3.2: the result, then a not-authorized stream error. A short pause between
            // them lets the client take the result before its connection ends.
            timers.startSingleTimer(AccountRemoved.INSTANCE, AccountRemoved.INSTANCE, REMOVAL_GRACE);
        }
        return this;
    }

    // ---- the end: see StreamEnd ----

    Behavior<SessionInput> fail(String condition, String text) {
        return fail(new StreamError(condition, text));
    }

    /** Ends the stream with an error; the transport's close then stops this actor. */
    Behavior<SessionInput> fail(StreamError error) {
        bound.unbind();
        if (phase == Phase.CLOSED) {
            return this;
        }
        phase = Phase.CLOSED;
        opening.fail(error, transport);
        return stopIfGone();
    }

    /** A session whose transport is gone stops once nothing of its client waits for acceptance. */
    Behavior<SessionInput> stopIfGone() {
        return transportGone && !reliability.hasPending() ? Behaviors.stopped() : this;
    }

    /** XEP-0198: too many unacknowledged stanzas for too long end the stream (a dropped one stops waiting). */
    Behavior<SessionInput> checkQueue() {
        if (sm == null || phase != Phase.BOUND || !sm.overLimit(node.clock().instant())) {
            return this;
        }
        if (detached) {
            return resumption.onExpired();
        }
        return fail(StreamErrors.RESOURCE_CONSTRAINT, "too many unacknowledged stanzas");
    }

    /** The node's connection count drops once for this session, whichever way it ends. */
    void countDisconnected() {
        if (!counted) {
            counted = true;
            node.registry().disconnected();
        }
    }
}
