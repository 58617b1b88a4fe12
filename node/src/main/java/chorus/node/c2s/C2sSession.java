package chorus.node.c2s;

import chorus.actors.cluster.FrameAssembly;
import chorus.actors.cluster.Frames;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.blocking.BlockRules;
import chorus.actors.feature.mam.Archive;
import chorus.actors.feature.register.RegisterForm;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.router.Router;
import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.FramedCommand;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.JidMalformedException;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaException;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamEvent;
import chorus.node.stream.StreamHeader;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * One per client connection, on the node that holds the socket. Owns the stream's state machine
 * (RFC 6120 §4-7: TLS, SASL, resource binding), stamps 'from' on everything the client sends, and
 * hands stanzas to the account's entity or the router.
 */
public final class C2sSession extends AbstractBehavior<SessionInput> {

    /** Local commands of the session: what its connection and its own timers tell it. */
    interface Local extends SessionInput {
    }

    record Inbound(StreamEvent event) implements Local {
    }

    enum ChannelClosed implements Local { INSTANCE }

    enum NegotiationTimeout implements Local { INSTANCE }

    record Bound(UserEntity.BindReply reply, Iq request, Throwable failure) implements Local {
    }

    /** The account's entity stopped (it moved, or restarted): bind to its new incarnation. */
    record EntityGone(ActorRef<UserEntity.Command> entity) implements Local {
    }

    record Rebound(UserEntity.BindReply reply, Throwable failure) implements Local {
    }

    enum RebindNow implements Local { INSTANCE }

    /** Shutting down, the session waited long enough for its messages' acceptance. */
    enum DrainDeadline implements Local { INSTANCE }

    /** How long a stopping node's sessions wait for the acceptance of what their clients sent. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    /** The answer to this stream's own account removal went out; the stream ends now. */
    enum AccountRemoved implements Local { INSTANCE }

    static final Duration REMOVAL_GRACE = Duration.ofMillis(300);

    /** Resend what waits for acceptance, acknowledge what was written. */
    enum ReliabilityTick implements Local { INSTANCE }

    /** An IQ this session gave the account's entity got no answer in time. */
    record IqTimeout(String id) implements Local {
    }

    /** Ends the stream because the node is shutting down. */
    public enum Shutdown implements Local { INSTANCE }

    /** XEP-0198: the account's entity answered a {@code <resume/>}. */
    record ResumeAnswered(UserEntity.BindReply reply, Throwable failure) implements Local {
    }

    /** XEP-0198: the old session did not hand its state over in time. */
    enum HandOverMissing implements Local { INSTANCE }

    /** XEP-0198: a dropped stream was not resumed in time; the session ends. */
    enum ResumeExpired implements Local { INSTANCE }

    static final Duration HAND_OVER_WAIT = Duration.ofSeconds(10);

    private enum Phase { AWAIT_STREAM, TLS, AUTH, BIND, RESUMING, BOUND, CLOSED }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final C2sConnection connection;
    private final C2sContext node;
    private final C2sSasl sasl;
    private final C2sRegistration registration;
    private final C2sReliability reliability;
    /** The account's block list (XEP-0191), for refusing stanzas to blocked addresses. */
    private java.util.List<Jid> blocked = java.util.List.of();
    private Phase phase = Phase.AWAIT_STREAM;
    /** Whether our header of the current stream went out (a stream error needs one before it). */
    private boolean headerSent;
    private BareJid user;
    private FullJid jid;
    private EntityRef<UserEntity.Command> entity;
    private final TimerScheduler<SessionInput> timers;
    /** The last available presence the client broadcast, for binding again after the entity moved. */
    private Presence lastPresence;
    private boolean rosterRequested;
    /** The server ended this stream after binding: late messages are still read until the connection closes. */
    private boolean endedWhileBound;
    /** Shutting down: waiting for pending messages' acceptance before the stream ends. */
    private boolean draining;
    /** The connection closed; the actor may still live on to resend what was not accepted. */
    private boolean channelGone;
    /** The node's connection count was decremented for this session. */
    private boolean counted;
    /** IQs handed to the account's entity and not yet answered. */
    private final java.util.Set<String> pendingIqs = new java.util.HashSet<>();
    /** XEP-0198 Stream Management, once the client enabled it (or resumed a stream that had it). */
    private StreamManagement sm;
    /** The connection dropped without {@code </stream>}: still bound, waiting to be resumed (XEP-0198). */
    private boolean detached;
    /** Resuming: the id and count the client gave, the entity's answer and the old session's state. */
    private String resumingId;
    private long resumingH;
    private UserEntity.BindReply.Bound resumeBound;
    private SessionMessage.Resumption resumption;
    /** What the client sent while its stream was being resumed: handled once it is. */
    private final java.util.List<Element> heldWhileResuming = new java.util.ArrayList<>();
    private static final Duration IQ_TIMEOUT = Duration.ofSeconds(10);
    /** Messages larger than a cluster frame travel in frames, both ways (chorus.actors.cluster). */
    private final Frames frames;
    private final FrameAssembly framed;

    private C2sSession(ActorContext<SessionInput> ctx, TimerScheduler<SessionInput> timers, C2sConnection connection,
                       C2sContext node) {
        super(ctx);
        this.timers = timers;
        this.connection = connection;
        this.node = node;
        this.sasl = new C2sSasl(node, ctx, connection);
        this.registration = new C2sRegistration(node, ctx, connection);
        this.frames = Frames.get(ctx.getSystem());
        this.framed = new FrameAssembly(ctx.getSystem());
        this.reliability = new C2sReliability(C2sReliability.Courier.sharded(node.sharding(), frames), node.clock());
        Duration timeout = node.settings().c2s().negotiationTimeout();
        if (!timeout.isZero()) {
            timers.startSingleTimer(NegotiationTimeout.INSTANCE, NegotiationTimeout.INSTANCE, timeout);
        }
        node.counter().connected();
    }

    static Behavior<SessionInput> create(C2sConnection connection, C2sContext node) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new C2sSession(ctx, timers, connection, node)));
    }

    @Override
    public Receive<SessionInput> createReceive() {
        return newReceiveBuilder()
            .onMessage(Inbound.class, this::onInbound)
            .onMessage(C2sSasl.Step.class, m -> {
                sasl.onStep(m, this::authenticated);
                return this;
            })
            .onMessage(Bound.class, this::onBound)
            .onMessage(EntityGone.class, this::onEntityGone)
            .onMessage(Rebound.class, this::onRebound)
            .onMessageEquals(RebindNow.INSTANCE, this::rebind)
            .onMessageEquals(ReliabilityTick.INSTANCE, this::onReliabilityTick)
            .onMessage(SessionMessage.Accepted.class, a -> {
                reliability.accepted(a.seq());
                if (draining && !reliability.hasPending()) {
                    return endForShutdown();
                }
                if (phase == Phase.CLOSED && channelGone && !reliability.hasPending()) {
                    return Behaviors.stopped();
                }
                return this;
            })
            .onMessage(IqTimeout.class, this::onIqTimeout)
            .onMessage(SessionMessage.Framed.class, this::onFramed)
            .onMessage(SessionMessage.Deliver.class, this::onDeliver)
            .onMessage(SessionMessage.Offline.class, this::onOffline)
            .onMessage(SessionMessage.Close.class, this::onClose)
            .onMessage(ResumeAnswered.class, this::onResumeAnswered)
            .onMessage(SessionMessage.Resumption.class, this::onResumption)
            .onMessage(SessionMessage.HandOver.class, this::onHandOver)
            .onMessageEquals(HandOverMissing.INSTANCE, () -> phase == Phase.RESUMING ? resumeFailed() : this)
            .onMessageEquals(ResumeExpired.INSTANCE, this::onResumeExpired)
            .onMessage(SessionMessage.Blocklist.class, m -> {
                blocked = m.blocked();
                return this;
            })
            .onMessage(C2sRegistration.Step.class, m -> {
                if (registration.onStep(m)) {
                    // XEP-0077 §3.2: the result, then a not-authorized stream error. A short pause between
                    // them lets the client take the result before its connection ends.
                    timers.startSingleTimer(AccountRemoved.INSTANCE, AccountRemoved.INSTANCE, REMOVAL_GRACE);
                }
                return this;
            })
            .onMessageEquals(AccountRemoved.INSTANCE, () -> fail("not-authorized", "the account was removed"))
            .onMessageEquals(ChannelClosed.INSTANCE, this::onChannelClosed)
            .onMessageEquals(NegotiationTimeout.INSTANCE, this::onNegotiationTimeout)
            .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
            .onMessageEquals(DrainDeadline.INSTANCE, this::endForShutdown)
            .onSignal(PostStop.class, s -> {
                node.counter().unregister(getContext().getSelf());
                countDisconnected();
                return this;
            })
            .build();
    }

    private Behavior<SessionInput> onInbound(Inbound in) {
        try {
            StreamEvent ev = in.event();
            if (phase == Phase.CLOSED) {
                if (endedWhileBound && ev instanceof StreamEvent.StanzaReceived late) {
                    lateStanza(late.element());
                } else if (endedWhileBound && ev instanceof StreamEvent.StreamClosed) {
                    connection.closeNow();
                }
                return this;
            }
            if (ev instanceof StreamEvent.StreamOpen open) {
                return onStreamOpen(open);
            }
            if (ev instanceof StreamEvent.StanzaReceived s) {
                return onElement(s.element());
            }
            if (ev instanceof StreamEvent.StreamClosed) {
                return onStreamClosed();
            }
            StreamEvent.StreamFailed f = (StreamEvent.StreamFailed) ev;
            return fail(f.condition(), f.text());
        } finally {
            connection.processed();
        }
    }

    // ---- stream negotiation (RFC 6120 §4.3) ----

    private Behavior<SessionInput> onStreamOpen(StreamEvent.StreamOpen open) {
        if (phase != Phase.AWAIT_STREAM) {
            return fail("not-well-formed", "a stream header inside the stream");
        }
        String to = open.to();
        connection.send(new StreamHeader(node.domain().toString(), open.from(), newStreamId(), "1.0", "en", Ns.CLIENT));
        headerSent = true;
        if (to != null && !to.isEmpty() && !sameDomain(to)) {
            return fail("host-unknown", "this server does not serve that domain");
        }
        if (open.version() == null || !open.version().startsWith("1.")) {
            // RFC 6120 §4.7.5: we speak only XMPP 1.0 streams.
            return fail("unsupported-version", "XMPP 1.0 streams only");
        }
        Element.Builder features = Element.build("features", Ns.STREAMS);
        if (!connection.secure()) {
            phase = Phase.TLS;
            features.child(Element.build("starttls", Ns.TLS).child(Element.of("required", Ns.TLS)).get());
        } else if (user == null) {
            phase = Phase.AUTH;
            features.child(sasl.mechanismsFeature());
            if (registration.enabled()) {
                features.child(registration.feature());
            }
        } else {
            phase = Phase.BIND;
            features.child(Element.of("bind", Ns.BIND));
            if (node.settings().c2s().sm().enabled()) {
                features.child(StreamManagement.feature());
            }
            features.child(Element.build("session", Ns.SESSION).child(Element.of("optional", Ns.SESSION)).get());
            features.child(Element.of("ver", "urn:xmpp:features:rosterver"));
        }
        connection.send(features.get());
        return this;
    }

    private boolean sameDomain(String to) {
        try {
            return Jid.parse(to).toString().equals(node.domain().toString());
        } catch (JidMalformedException e) {
            return false;
        }
    }

    private static String newStreamId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private Behavior<SessionInput> onElement(Element e) {
        if (phase == Phase.RESUMING) {
            heldWhileResuming.add(e);
            return this;
        }
        if (StreamManagement.NS.equals(e.ns()) && phase != Phase.AWAIT_STREAM) {
            return onSm(e);
        }
        if (sm != null && (phase == Phase.BIND || phase == Phase.BOUND) && e.ns().equals(Ns.CLIENT)
            && (e.name().equals("message") || e.name().equals("presence") || e.name().equals("iq"))) {
            // XEP-0198 §4: every stanza the client sent counts as handled once the session took it.
            sm.received();
        }
        switch (phase) {
            case TLS:
                if (e.is("starttls", Ns.TLS)) {
                    phase = Phase.AWAIT_STREAM;
                    headerSent = false;
                    connection.startTls(Element.of("proceed", Ns.TLS));
                    return this;
                }
                // RFC 6120 §5.3.1: TLS is mandatory here; nothing else is accepted before it.
                return fail("policy-violation", "STARTTLS is required");
            case AUTH:
                if (e.ns().equals(Ns.SASL)) {
                    sasl.onElement(e, this::authenticated);
                    return phase == Phase.CLOSED ? Behaviors.stopped() : this;
                }
                if (e.is("iq", Ns.CLIENT) && e.child("query", RegisterForm.NS).isPresent()) {
                    // XEP-0077 §3.1: registration is the one thing allowed before authentication.
                    try {
                        Stanza st = Stanza.fromElement(e);
                        if (st instanceof Iq iq && iq.isRequest()) {
                            registration.beforeAuth(iq);
                            return this;
                        }
                    } catch (StanzaException ex) {
                        connection.send(errorFor(e, ex.error()));
                        return this;
                    }
                }
                return fail("not-authorized", "authenticate first");
            case BIND:
                return onBindPhase(e);
            case BOUND:
                return onStanza(e);
            default:
                return fail("not-well-formed", "no stream is open");
        }
    }

    /** SASL succeeded for this account: the next stream header starts the authenticated stream. */
    private void authenticated(BareJid account) {
        user = account;
        entity = node.sharding().entityRefFor(UserEntity.KEY, account.toString());
        phase = Phase.AWAIT_STREAM;
        headerSent = false;
    }

    // ---- resource binding (RFC 6120 §7) ----

    private Behavior<SessionInput> onBindPhase(Element e) {
        if (!e.is("iq", Ns.CLIENT)) {
            return fail("not-authorized", "bind a resource first");
        }
        Iq iq;
        try {
            iq = (Iq) Stanza.fromElement(e);
        } catch (StanzaException ex) {
            connection.send(errorFor(e, ex.error()));
            return this;
        }
        if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.BIND, "bind")) {
            String requested = iq.payload().flatMap(b -> b.childText("resource", Ns.BIND)).map(String::trim).orElse("");
            String resource = requested.isEmpty() ? generatedResource() : requested;
            try {
                user.withResource(resource);
            } catch (JidMalformedException ex) {
                // RFC 6120 §7.7.2.1: a resourcepart that cannot be prepared.
                connection.send(iq.error(StanzaError.of(StanzaError.Condition.BAD_REQUEST, "invalid resource")));
                return this;
            }
            boolean kickOld = node.settings().c2s().resourceConflict() == chorus.node.config.C2sSettings.ResourceConflict.KICK_OLD;
            getContext().ask(UserEntity.BindReply.class, entity, Duration.ofSeconds(10),
                replyTo -> UserEntity.Bind.fresh(resource, getContext().getSelf().narrow(), kickOld, replyTo),
                (reply, failure) -> new Bound(reply, iq, failure));
            return this;
        }
        if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.SESSION, "session")) {
            connection.send(iq.withFromTo(null, null).result());
            return this;
        }
        connection.send(iq.error(StanzaError.of(StanzaError.Condition.NOT_AUTHORIZED, "bind a resource first")));
        return this;
    }

    private static String generatedResource() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "chorus-" + HexFormat.of().formatHex(b);
    }

    private Behavior<SessionInput> onBound(Bound b) {
        if (phase != Phase.BIND) {
            return this;
        }
        Iq request = b.request().withFromTo(null, null);
        if (b.failure() != null) {
            connection.send(request.error(StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR, "try again")));
            return this;
        }
        if (b.reply() instanceof UserEntity.BindReply.Refused r) {
            StanzaError.Condition c = StanzaError.Condition.fromXml(r.condition());
            if (c == StanzaError.Condition.NOT_AUTHORIZED) {
                return fail("not-authorized", "the account is gone");
            }
            connection.send(request.error(StanzaError.of(c)));
            return this;
        }
        UserEntity.BindReply.Bound bound = (UserEntity.BindReply.Bound) b.reply();
        jid = bound.jid();
        getContext().watchWith(bound.entity(), new EntityGone(bound.entity()));
        phase = Phase.BOUND;
        timers.startTimerWithFixedDelay(ReliabilityTick.INSTANCE, ReliabilityTick.INSTANCE, Duration.ofMillis(250));
        node.counter().bound();
        registerResumable();
        Element bind = Element.build("bind", Ns.BIND).textChild("jid", Ns.BIND, jid.toString()).get();
        connection.send(request.result(bind));
        for (SessionMessage.Deliver d : early) {
            onDeliver(d);
        }
        early.clear();
        return this;
    }

    // ---- stanzas of a bound session (RFC 6120 §8, RFC 6121) ----

    private Behavior<SessionInput> onStanza(Element e) {
        if (registration.removing()) {
            // The account is being removed at this stream's request: nothing more is sent in its name.
            return this;
        }
        if (!e.ns().equals(Ns.CLIENT) || !(e.name().equals("message") || e.name().equals("presence") || e.name().equals("iq"))) {
            return fail("unsupported-stanza-type", "not a stanza: " + e.name());
        }
        String from = e.attr("from");
        if (from != null && !isOwnAddress(from)) {
            // RFC 6120 §8.1.2.1: a 'from' the client is not entitled to.
            return fail("invalid-from", "the 'from' address is not yours");
        }
        Stanza st;
        try {
            st = Stanza.fromElement(e.withAttr("from", null));
        } catch (StanzaException ex) {
            Stanza reply = errorFor(e, ex.error());
            if (reply != null) {
                connection.send(reply);
            }
            return this;
        }
        st = st.withFrom(jid);
        Jid to = st.to();
        if (to != null && !blocked.isEmpty() && !to.bare().equals(user) && BlockRules.blocks(blocked, to)) {
            // XEP-0191 §3.3: the user blocked this address; nothing goes to it.
            BlockRules.refuseOutbound(st).ifPresent(connection::send);
            return this;
        }
        if (st instanceof Presence p) {
            if (p.to() == null && p.type() == Presence.Type.AVAILABLE) {
                lastPresence = p;
            } else if (p.to() == null && p.type() == Presence.Type.UNAVAILABLE) {
                lastPresence = null;
            }
            frames.tell(entity, new UserEntity.FromClient(st), FramedCommand::new);
        } else if (st instanceof Iq iq) {
            onIq(iq, to);
        } else {
            sendMessage((Message) st);
        }
        return this;
    }

    /**
     * A message from this client: to an account of this server it is kept until accepted; anywhere
     * else it is routed. RFC 6120 §10.3.1: no 'to' means the sender's own bare JID.
     */
    private void sendMessage(Message m) {
        Jid to = m.to();
        if (to == null) {
            reliability.send((Message) m.withTo(user), getContext().getSelf());
        } else if (node.router().isLocal(to) && to.local() != null) {
            reliability.send(m, getContext().getSelf());
        } else {
            node.router().route(m);
        }
        if (to != null && !to.bare().equals(user) && Archive.archivable(m)) {
            // XEP-0313: the account's archive keeps what its resources send too.
            frames.tell(entity, new UserEntity.Sent(m), FramedCommand::new);
        }
    }

    private Behavior<SessionInput> onReliabilityTick() {
        Duration resendAfter = draining ? C2sReliability.RESEND_WHILE_STOPPING : C2sReliability.RESEND_AFTER;
        if (phase == Phase.CLOSED && channelGone) {
            // Lingering after the connection closed: resend, give up silently, stop when nothing waits.
            reliability.tick(getContext().getSelf(), resendAfter);
            return reliability.hasPending() ? this : Behaviors.stopped();
        }
        if (phase != Phase.BOUND) {
            return this;
        }
        UserEntity.SessionAck ack = reliability.ackDue(jid.resource());
        if (ack != null) {
            entity.tell(ack);
        }
        for (Stanza failed : reliability.tick(getContext().getSelf(), resendAfter)) {
            connection.send(failed);
        }
        if (sm != null && !detached && sm.requestDue(node.clock().instant())) {
            connection.send(sm.request(node.clock().instant()));
        }
        return checkQueue();
    }

    /**
     * The node stops. The client's stream is paused (nothing new is read), and what it sent waits a
     * moment for acceptance, while the account entities are still where they were; then the stream ends.
     */
    private Behavior<SessionInput> onShutdown() {
        if (reliability.hasPending() && !draining && (phase == Phase.BOUND || channelGone)) {
            draining = true;
            if (!channelGone) {
                connection.pauseReading();
            }
            timers.startSingleTimer(DrainDeadline.INSTANCE, DrainDeadline.INSTANCE, DRAIN);
            return this;
        }
        return endForShutdown();
    }

    /** What still waits for acceptance goes back as errors, then the stream ends. */
    private Behavior<SessionInput> endForShutdown() {
        draining = false;
        if (channelGone) {
            unbind();
            phase = Phase.CLOSED;
            reliability.abandon();
            return Behaviors.stopped();
        }
        // Phase CLOSED follows below: what the client still sends is read and dropped.
        connection.resumeReading();
        if (phase == Phase.BOUND) {
            for (Stanza failed : reliability.abandon()) {
                connection.send(failed);
            }
        }
        String other = node.settings().c2s().seeOtherHost();
        if (!other.isBlank()) {
            // RFC 6120 §4.9.3.19: this node goes away; the client reconnects to another at once.
            return endBound(StreamError.seeOtherHost(other, "this node is restarting"));
        }
        return endBound(new StreamError("system-shutdown", "the server is shutting down"));
    }

    private void onIq(Iq iq, Jid to) {
        boolean ownOrServer = to == null || to.equals(user) || to.toString().equals(node.domain().toString());
        if (ownOrServer && RegisterForm.owns(iq)) {
            registration.afterAuth(iq, user);
            return;
        }
        if (to == null || to.equals(user)) {
            if (iq.type() == Iq.Type.SET && iq.payloadIs(Ns.SESSION, "session")) {
                connection.send(iq.withFromTo(null, null).result());
                return;
            }
            if (iq.isRequest() && iq.id() != null && pendingIqs.add(iq.id())) {
                timers.startSingleTimer("iq:" + iq.id(), new IqTimeout(iq.id()), IQ_TIMEOUT);
            }
            rosterRequested |= iq.type() == Iq.Type.GET && iq.payloadIs("jabber:iq:roster", "query");
            frames.tell(entity, new UserEntity.FromClient(iq), FramedCommand::new);
            return;
        }
        if (to.toString().equals(node.domain().toString())) {
            // Answered here, without a hop through the router.
            if (!iq.isRequest()) {
                return;
            }
            IqResult r = node.router().serverFeatures().dispatch(iq, IqContext.server(node.domain(), node.clock()));
            if (r instanceof IqResult.Reply reply) {
                connection.send(reply.reply());
            }
            return;
        }
        node.router().route(iq);
    }

    private boolean isOwnAddress(String from) {
        try {
            Jid f = Jid.parse(from);
            return f.equals(jid) || f.equals(user);
        } catch (JidMalformedException ex) {
            return false;
        }
    }

    /** The error reply to an element that did not parse as a stanza, when it can be answered. */
    private Stanza errorFor(Element e, StanzaError error) {
        if ("error".equals(e.attr("type"))) {
            return null;
        }
        Element.Builder b = Element.build(e.name(), Ns.CLIENT).attr("id", e.attr("id")).attr("type", "error");
        return Stanza.fromElement(b.child(error.toElement()).get());
    }

    /** Stanzas the entity sent before its bind answer arrived (the answer travels through an ask). */
    private final java.util.List<SessionMessage.Deliver> early = new java.util.ArrayList<>();

    private Behavior<SessionInput> onDeliver(SessionMessage.Deliver d) {
        if (phase == Phase.BIND || phase == Phase.RESUMING) {
            early.add(d);
            return this;
        }
        if (phase == Phase.BOUND) {
            if (d.stanza() instanceof Iq iq && !iq.isRequest() && iq.id() != null && pendingIqs.remove(iq.id())) {
                timers.cancel("iq:" + iq.id());
            }
            if (d.seq() > 0 && sm != null) {
                // XEP-0198: the entity keeps the message until the client acknowledges it (or stores it
                // offline when the stream is not resumed); the sender need not wait for that.
                connection.sendThen(d.stanza(), d.epoch(), d.seq(), () -> { });
                if (d.acknowledges()) {
                    d.ackTo().tell(new SessionMessage.Accepted(d.ackSeq()));
                }
                return checkQueue();
            } else if (d.seq() > 0) {
                long epoch = d.epoch();
                long seq = d.seq();
                connection.sendThen(d.stanza(), () -> {
                    reliability.written(epoch, seq);
                    if (d.acknowledges()) {
                        // End to end: the sending session hears its message reached this client.
                        d.ackTo().tell(new SessionMessage.Accepted(d.ackSeq()));
                    }
                });
            } else {
                connection.send(d.stanza());
            }
            return checkQueue();
        }
        return this;
    }

    /** A piece of a message too large for one cluster frame: the whole is handled once it is here. */
    private Behavior<SessionInput> onFramed(SessionMessage.Framed f) throws Exception {
        java.util.Optional<Object> whole = framed.accept(f.frame());
        return whole.isPresent() ? receive(getContext(), (SessionInput) whole.get()) : this;
    }

    /** The entity ends this stream; after a removal this stream asked for, its answer goes out first. */
    private Behavior<SessionInput> onClose(SessionMessage.Close c) {
        if (registration.removing() && "not-authorized".equals(c.condition())) {
            return this;
        }
        return endBound(new StreamError(c.condition(), c.text()));
    }

    /**
     * XEP-0160: the messages that waited, in order; once the last one is written to the socket the
     * mailbox may forget them (if the connection dies first, they wait for the next login).
     */
    private Behavior<SessionInput> onOffline(SessionMessage.Offline o) {
        if (phase != Phase.BOUND || o.messages().isEmpty()) {
            return this;
        }
        for (int i = 0; i < o.messages().size() - 1; i++) {
            connection.send(o.messages().get(i));
        }
        EntityRef<MailboxEntity.Command> mailbox = node.sharding().entityRefFor(MailboxEntity.KEY, user.toString());
        long upTo = o.upToId();
        // Naming this session lets a mailbox that restarted since it sent the page send the next one.
        ActorRef<SessionMessage> self = getContext().getSelf().narrow();
        FullJid to = jid;
        connection.sendThen(o.messages().get(o.messages().size() - 1),
            () -> mailbox.tell(new MailboxEntity.Forget(upTo, self, to)));
        return this;
    }

    /**
     * The account's entity did not answer (its storage is unreachable, or it was restarting): the
     * client gets an error it can retry on, never silence.
     */
    private Behavior<SessionInput> onIqTimeout(IqTimeout t) {
        if (phase == Phase.BOUND && pendingIqs.remove(t.id())) {
            Element error = StanzaError.of(StanzaError.Condition.INTERNAL_SERVER_ERROR,
                "the server could not complete the request in time; try again").toElement();
            connection.send(new Iq(null, jid, t.id(), Iq.Type.ERROR, null, java.util.List.of(error)));
        }
        return this;
    }

    private Behavior<SessionInput> onEntityGone(EntityGone g) {
        if (phase != Phase.BOUND || registration.removing()) {
            // An entity that leaves because this stream removed the account is not bound to again.
            return this;
        }
        return rebind();
    }

    /** Binds again to the account's entity, wherever it runs now, restoring what it knew. */
    private Behavior<SessionInput> rebind() {
        if (phase != Phase.BOUND) {
            return this;
        }
        Presence presence = lastPresence;
        boolean interested = rosterRequested;
        String resource = jid.resource();
        getContext().ask(UserEntity.BindReply.class, entity, Duration.ofSeconds(10),
            replyTo -> new UserEntity.Bind(resource, getContext().getSelf().narrow(), true, presence, interested, replyTo),
            Rebound::new);
        return this;
    }

    private Behavior<SessionInput> onRebound(Rebound r) {
        if (phase != Phase.BOUND) {
            return this;
        }
        if (r.reply() instanceof UserEntity.BindReply.Bound bound) {
            getContext().watchWith(bound.entity(), new EntityGone(bound.entity()));
            registerResumable();
            return this;
        }
        if (r.reply() instanceof UserEntity.BindReply.Refused refused && "not-authorized".equals(refused.condition())) {
            return fail("not-authorized", "the account is gone");
        }
        timers.startSingleTimer(RebindNow.INSTANCE, RebindNow.INSTANCE, Duration.ofSeconds(1));
        return this;
    }

    // ---- the end ----

    private Behavior<SessionInput> onStreamClosed() {
        unbind();
        phase = Phase.CLOSED;
        connection.close();
        return this;
    }

    /**
     * The connection is gone. Messages its client sent that no entity accepted yet are still sent
     * again until accepted or given up (nobody is left to hear an error): a client that hangs up right
     * after sending loses nothing to a node that fails at the same moment.
     */
    private Behavior<SessionInput> onChannelClosed() {
        if (phase == Phase.BOUND && sm != null && sm.resumable() && !draining && !registration.removing()) {
            // XEP-0198 §5: the resource stays bound and available, and what arrives for it waits.
            detached = true;
            channelGone = true;
            countDisconnected();
            timers.startSingleTimer(ResumeExpired.INSTANCE, ResumeExpired.INSTANCE, sm.resumeTimeout());
            return this;
        }
        unbind();
        phase = Phase.CLOSED;
        channelGone = true;
        countDisconnected();
        return reliability.hasPending() ? this : Behaviors.stopped();
    }

    private Behavior<SessionInput> onNegotiationTimeout() {
        if (phase != Phase.BOUND && phase != Phase.CLOSED) {
            return fail("connection-timeout", "negotiation took too long");
        }
        return this;
    }

    /**
     * A bound stream the server ends for a reason of its own (conflict, shutdown, removal, see-other-host)
     * ends gracefully: the client's messages that crossed the error on the wire are still delivered.
     */
    private Behavior<SessionInput> endBound(StreamError error) {
        if (phase != Phase.BOUND) {
            if (phase == Phase.CLOSED) {
                return this;
            }
            if (error.conditionText() != null && headerSent) {
                phase = Phase.CLOSED;
                connection.fail(error);
                return this;
            }
            return fail(error.conditionText() != null ? "system-shutdown" : error.condition(), error.text());
        }
        unbind();
        phase = Phase.CLOSED;
        endedWhileBound = true;
        connection.endGracefully(error);
        return stopIfGone();
    }

    /** The node's connection count drops once for this session, whichever way it ends. */
    private void countDisconnected() {
        if (!counted) {
            counted = true;
            node.counter().disconnected();
        }
    }

    /** A message the client sent before it read that its stream ended: delivered all the same. */
    private void lateStanza(Element e) {
        if (!e.ns().equals(Ns.CLIENT) || !e.name().equals("message") || registration.removing()) {
            return;
        }
        String from = e.attr("from");
        if (from != null && !isOwnAddress(from)) {
            return;
        }
        Stanza st;
        try {
            st = Stanza.fromElement(e.withAttr("from", null)).withFrom(jid);
        } catch (StanzaException ex) {
            return;
        }
        Jid to = st.to();
        if (to != null && !blocked.isEmpty() && !to.bare().equals(user) && BlockRules.blocks(blocked, to)) {
            return;
        }
        sendMessage((Message) st);
    }

    /** Ends the stream with an error; the channel's close then stops this actor. */
    Behavior<SessionInput> fail(String condition, String text) {
        unbind();
        if (phase == Phase.CLOSED) {
            return this;
        }
        phase = Phase.CLOSED;
        if (!headerSent) {
            // RFC 6120 §4.9.1.1: even an error at the very start comes inside a stream.
            connection.send(new StreamHeader(node.domain().toString(), null, newStreamId(), "1.0", "en", Ns.CLIENT));
            headerSent = true;
        }
        connection.fail(condition, text);
        return stopIfGone();
    }

    private void unbind() {
        if (phase == Phase.BOUND && jid != null) {
            long[] written = reliability.lastWritten();
            entity.tell(new UserEntity.Unbind(jid.resource(), getContext().getSelf().narrow(), written[0], written[1]));
            node.counter().unbound();
        }
    }

    // ---- XEP-0198 Stream Management ----

    /** A detached session that ended by the server's decision (conflict, error) stops once nothing waits. */
    private Behavior<SessionInput> stopIfGone() {
        return channelGone && !reliability.hasPending() ? Behaviors.stopped() : this;
    }

    private void registerResumable() {
        if (sm != null && sm.resumable() && phase == Phase.BOUND) {
            entity.tell(new UserEntity.Resumable(jid.resource(), getContext().getSelf().narrow(), sm.id()));
        }
    }

    private Behavior<SessionInput> onSm(Element e) {
        boolean authenticated = phase == Phase.BIND || phase == Phase.BOUND;
        if (!authenticated) {
            // XEP-0198 §3: nothing of stream management before authentication.
            connection.send(StreamManagement.failed("unexpected-request", -1));
            return this;
        }
        switch (e.name()) {
            case "enable":
                return onEnable(e);
            case "resume":
                return onResume(e);
            case "r":
                if (sm == null) {
                    connection.send(StreamManagement.failed("unexpected-request", -1));
                } else {
                    connection.send(sm.answer());
                }
                return this;
            case "a": {
                if (sm == null) {
                    connection.send(StreamManagement.failed("unexpected-request", -1));
                    return this;
                }
                long h = StreamManagement.count(e.attr("h"));
                if (h < 0) {
                    return fail("undefined-condition", "the 'h' of an acknowledgement is not a count");
                }
                return onAck(sm.acked(h));
            }
            default:
                connection.send(StreamManagement.failed("feature-not-implemented", -1));
                return this;
        }
    }

    private Behavior<SessionInput> onAck(StreamManagement.Ack ack) {
        if (ack.tooHigh()) {
            // XEP-0198 §4: the client acknowledged more than the server sent.
            return fail("undefined-condition", "handled-count-too-high");
        }
        if (ack.seq() > 0) {
            // The entity forgets tracked messages only once the client says it has them.
            reliability.written(ack.epoch(), ack.seq());
        }
        return this;
    }

    private Behavior<SessionInput> onEnable(Element e) {
        if (sm != null || !node.settings().c2s().sm().enabled()) {
            // XEP-0198 §3: enabling twice is an error.
            connection.send(StreamManagement.failed("unexpected-request", -1));
            return this;
        }
        boolean resume = "true".equals(e.attr("resume")) || "1".equals(e.attr("resume"));
        long max = Math.max(0, StreamManagement.count(e.attr("max")));
        chorus.node.config.SmSettings settings = node.settings().c2s().sm();
        sm = new StreamManagement(resume ? newResumeId() : null, settings.timeoutFor(max), settings.maxUnacked());
        connection.send(sm.enabled());
        connection.countWith(sm, node.clock());
        registerResumable();
        return this;
    }

    /** Random, and looked up only among the sessions of the account that authenticated. */
    private static String newResumeId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** XEP-0198 §5: a new stream asks to take over a dropped one of the same account. */
    private Behavior<SessionInput> onResume(Element e) {
        if (phase != Phase.BIND || sm != null || !node.settings().c2s().sm().enabled()) {
            connection.send(StreamManagement.failed("unexpected-request", -1));
            return this;
        }
        String previd = e.attr("previd");
        long h = StreamManagement.count(e.attr("h"));
        if (previd == null || previd.isEmpty() || h < 0) {
            connection.send(StreamManagement.failed("bad-request", -1));
            return this;
        }
        phase = Phase.RESUMING;
        resumingId = previd;
        resumingH = h;
        getContext().ask(UserEntity.BindReply.class, entity, Duration.ofSeconds(10),
            replyTo -> new UserEntity.Resume(previd, getContext().getSelf().narrow(), replyTo), ResumeAnswered::new);
        return this;
    }

    private Behavior<SessionInput> onResumeAnswered(ResumeAnswered a) {
        if (phase != Phase.RESUMING) {
            return this;
        }
        if (!(a.reply() instanceof UserEntity.BindReply.Bound bound)) {
            return resumeFailed();
        }
        resumeBound = bound;
        jid = bound.jid();
        timers.startSingleTimer(HandOverMissing.INSTANCE, HandOverMissing.INSTANCE, HAND_OVER_WAIT);
        return finishResume();
    }

    private Behavior<SessionInput> onResumption(SessionMessage.Resumption r) {
        if (phase != Phase.RESUMING) {
            return this;
        }
        resumption = r;
        return finishResume();
    }

    /** Resumes once both the entity's answer and the old session's state are here. */
    private Behavior<SessionInput> finishResume() {
        if (resumeBound == null || resumption == null) {
            return this;
        }
        timers.cancel(HandOverMissing.INSTANCE);
        if (resumption.refused()) {
            return resumeFailed();
        }
        sm = StreamManagement.resumed(resumption, node.settings().c2s().sm().maxUnacked());
        lastPresence = resumption.presence();
        rosterRequested = resumption.rosterInterest();
        blocked = resumption.blocked();
        phase = Phase.BOUND;
        getContext().watchWith(resumeBound.entity(), new EntityGone(resumeBound.entity()));
        timers.startTimerWithFixedDelay(ReliabilityTick.INSTANCE, ReliabilityTick.INSTANCE, Duration.ofMillis(250));
        node.counter().bound();
        StreamManagement.Ack ack = sm.acked(resumingH);
        if (ack.tooHigh()) {
            return fail("undefined-condition", "handled-count-too-high");
        }
        onAck(ack);
        connection.send(sm.resumed(resumingId));
        // XEP-0198 §5: what the client did not acknowledge goes out again, in order.
        for (SessionMessage.Unacked u : sm.unacked()) {
            connection.resend(u.stanza());
        }
        connection.countWith(sm, node.clock());
        resumeBound = null;
        resumption = null;
        for (SessionMessage.Deliver d : early) {
            onDeliver(d);
        }
        early.clear();
        return replayHeld();
    }

    /** The stream cannot be resumed: the client hears item-not-found and binds afresh. */
    private Behavior<SessionInput> resumeFailed() {
        if (resumeBound != null) {
            // The entity gave this session the resource already; it ends as any session does.
            entity.tell(new UserEntity.Unbind(resumeBound.jid().resource(), getContext().getSelf().narrow()));
        }
        timers.cancel(HandOverMissing.INSTANCE);
        phase = Phase.BIND;
        jid = null;
        resumeBound = null;
        resumption = null;
        early.clear();
        connection.send(StreamManagement.failed("item-not-found", -1));
        return replayHeld();
    }

    private Behavior<SessionInput> replayHeld() {
        java.util.List<Element> held = new java.util.ArrayList<>(heldWhileResuming);
        heldWhileResuming.clear();
        Behavior<SessionInput> next = this;
        for (Element e : held) {
            if (phase == Phase.CLOSED) {
                break;
            }
            next = onElement(e);
        }
        return next;
    }

    /** A new stream resumed this one: its state goes there, and this session ends quietly. */
    private Behavior<SessionInput> onHandOver(SessionMessage.HandOver h) {
        if (phase != Phase.BOUND || sm == null) {
            h.to().tell(SessionMessage.Resumption.refusal());
            return this;
        }
        UserEntity.SessionAck ack = reliability.ackDue(jid.resource());
        if (ack != null) {
            entity.tell(ack);
        }
        frames.tell(h.to(), sm.handOver(lastPresence, rosterRequested, blocked), SessionMessage.Framed::new);
        phase = Phase.CLOSED;
        node.counter().unbound();
        timers.cancel(ResumeExpired.INSTANCE);
        if (!channelGone) {
            // The client came back before this node noticed the old connection was dead.
            connection.closeNow();
            return this;
        }
        return stopIfGone();
    }

    private Behavior<SessionInput> onResumeExpired() {
        if (phase != Phase.BOUND || !detached) {
            return this;
        }
        // Now the resource goes offline, and what the client never acknowledged goes where it would go
        // now: another resource, or offline storage (the entity tracks every message it handed over).
        unbind();
        phase = Phase.CLOSED;
        return stopIfGone();
    }

    /** XEP-0198: too many unacknowledged stanzas end the stream (a dropped one stops waiting). */
    private Behavior<SessionInput> checkQueue() {
        if (sm == null || phase != Phase.BOUND || !sm.overLimit()) {
            return this;
        }
        if (detached) {
            return onResumeExpired();
        }
        return fail("resource-constraint", "too many unacknowledged stanzas");
    }
}
