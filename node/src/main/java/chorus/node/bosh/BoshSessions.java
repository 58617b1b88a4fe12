package chorus.node.bosh;

import chorus.actors.ClusterMessage;
import chorus.actors.session.SessionInput;
import chorus.actors.xmpp.Element;
import chorus.node.c2s.ConnectionCaps;
import chorus.node.c2s.SessionCounter;
import chorus.node.cluster.WaitingForPeers;
import chorus.node.config.HttpSettings;
import chorus.node.session.SessionContext;
import chorus.node.session.StreamSession;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamLimits;
import chorus.node.xmppstream.ClientSource;
import chorus.node.xmppstream.StandaloneXml;
import chorus.node.xmppstream.StreamOpening;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The BOSH sessions of this node, and the way to any node's. A session lives on the node that created it; its id
 * starts with that node's tag (a digest of the node's cluster address, which it does not reveal), then 128 random
 * bits. A request may reach any node (a load balancer without stickiness): the node whose tag it carries gets the
 * request's body over the cluster ({@link Forward}, within Artery's frame size: the body is at most a stanza and a
 * little), and the answer comes back the same way. Each node's forwarder is registered with the receptionist, so
 * every node knows every other node's by its tag. A node that has just joined learns them a moment later; a request
 * for a node it does not know yet waits for it ({@link WaitingForPeers}, {@code chorus.http.bosh.peer-wait}) before
 * item-not-found. Each session takes a place in the node's {@link ConnectionCaps}
 * like a TCP connection, from its creation to its end; a creation refused by them is answered with the stream error
 * a TCP client would get (XEP-0206 §7: remote-stream-error).
 */
public final class BoshSessions {
    /** The forwarders of every node. */
    static final ServiceKey<Forwarded> KEY = ServiceKey.create(Forwarded.class, "chorus-bosh-sessions");
    static final int TAG_CHARS = 8;
    private static final AtomicLong IDS = new AtomicLong();

    /** What a node's forwarder takes. */
    public interface Forwarded {
    }

    /** A request for a session of this node, taken by another node. */
    public record Forward(String sid, String body, ActorRef<BoshReply> replyTo) implements Forwarded, ClusterMessage {
        @Override
        public String toString() {
            return "Forward[" + body.length() + " chars]";
        }
    }

    /** A request taken by this node's route: a creation request, or one for a session of any node. */
    record Take(Element body, byte[] raw, boolean secure, ClientSource source, ActorRef<BoshReply> replyTo)
        implements Forwarded {
        @Override
        public String toString() {
            return "Take[" + raw.length + " bytes]";
        }
    }

    private record Peers(Receptionist.Listing listing) implements Forwarded {
    }

    /** Time to answer the requests that waited for their node in vain. */
    private enum WaitTick implements Forwarded { INSTANCE }

    /** A request for a session of a node not known yet. */
    private record Pending(String sid, byte[] raw, ActorRef<BoshReply> replyTo) {
        @Override
        public String toString() {
            return "Pending[" + raw.length + " bytes]";
        }
    }

    private static final Duration WAIT_TICK = Duration.ofMillis(250);

    private final ActorSystem<?> system;
    private final String tag;
    private final BoshSession.Deps deps;
    private final SessionContext sessions;
    private final SessionCounter counter;
    private final StreamLimits limits;
    private final ConnectionCaps caps;
    /** Plain HTTP behind a TLS-terminating proxy: the address a request comes from is the proxy's. */
    private final boolean behindProxy;
    private final Map<String, ActorRef<BoshSession.Command>> local = new ConcurrentHashMap<>();
    private final Map<String, ConnectionCaps.Ticket> tickets = new ConcurrentHashMap<>();
    private volatile Map<String, ActorRef<Forwarded>> peers = Map.of();
    private final ActorRef<Forwarded> entry;
    private final Clock clock;
    /** Used by the forwarder actor only. */
    private final WaitingForPeers<Pending> waitingForPeers;

    /** {@code counter}: this transport's own (a child of the node's). */
    BoshSessions(ActorSystem<?> system, String domain, HttpSettings.Bosh settings, int maxResponse, Clock clock,
                 SessionContext sessions, SessionCounter counter, ConnectionCaps caps, boolean behindProxy,
                 StreamLimits limits) {
        this.system = system;
        this.tag = tagOf(Cluster.get(system).selfMember().address());
        this.deps = new BoshSession.Deps(domain, settings, maxResponse, this, clock);
        this.sessions = sessions.withRegistry(counter);
        this.counter = counter;
        this.limits = limits;
        this.caps = caps;
        this.behindProxy = behindProxy;
        this.clock = clock;
        this.waitingForPeers = new WaitingForPeers<>(settings.peerWait(), settings.peerWaitMax());
        this.entry = system.systemActorOf(forwarder(), "bosh-sessions", Props.empty());
    }

    /** Where this node's route hands its requests. */
    ActorRef<Forwarded> entry() {
        return entry;
    }

    /** A node's tag: the first characters of a digest of its cluster address. */
    static String tagOf(Address address) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(address.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, TAG_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a session for a creation request; it answers {@code replyTo}. */
    private void create(Element body, boolean secure, ClientSource source, ActorRef<BoshReply> replyTo) {
        ConnectionCaps.Admission admission = behindProxy ? caps.admitBehindProxy() : caps.admit(source.address());
        if (admission instanceof ConnectionCaps.Refusal r) {
            replyTo.tell(new BoshReply(BoshBody.response(Map.of("type", "terminate", "condition", "remote-stream-error"),
                List.of(StandaloneXml.toXml(new StreamError(r.condition(), r.text())))), 0, null));
            return;
        }
        ConnectionCaps.Ticket ticket = (ConnectionCaps.Ticket) admission;
        String sid = tag + StreamOpening.random(16);
        tickets.put(sid, ticket);
        long n = IDS.incrementAndGet();
        BoshTransport transport = new BoshTransport(secure, source, ticket);
        system.systemActorOf(BoshSession.create(deps, sid, body, replyTo,
            transport, t -> {
                ActorRef<SessionInput> stream = system.systemActorOf(StreamSession.create(t, sessions),
                    "bosh-stream-" + n, Props.empty());
                counter.register(stream);
                return stream;
            }), "bosh-" + n, Props.empty());
    }

    /** A session started: requests may find it from now on (before it answers its creation request). */
    void started(String sid, ActorRef<BoshSession.Command> session) {
        local.put(sid, session);
    }

    /** A request of an existing session, to whichever node holds it (in the forwarder actor). */
    private void deliver(String sid, Element body, byte[] raw, ActorRef<BoshReply> replyTo,
                         TimerScheduler<Forwarded> timers) {
        if (sid.length() > TAG_CHARS && sid.startsWith(tag)) {
            ActorRef<BoshSession.Command> s = local.get(sid);
            if (s == null) {
                // §14.2 and §11: an unknown or ended session, the same answer whichever.
                replyTo.tell(BoshReply.terminate("item-not-found"));
            } else {
                s.tell(new BoshSession.Request(body, replyTo));
            }
            return;
        }
        String peerTag = sid.length() > TAG_CHARS ? sid.substring(0, TAG_CHARS) : null;
        ActorRef<Forwarded> peer = peerTag == null ? null : peers.get(peerTag);
        if (peer != null) {
            forward(peer, new Pending(sid, raw, replyTo));
        } else if (peerTag == null || !waitingForPeers.hold(peerTag, new Pending(sid, raw, replyTo), clock.millis())) {
            replyTo.tell(BoshReply.terminate("item-not-found"));
        } else if (!timers.isTimerActive(WaitTick.INSTANCE)) {
            timers.startTimerWithFixedDelay(WaitTick.INSTANCE, WAIT_TICK);
        }
    }

    private static void forward(ActorRef<Forwarded> peer, Pending p) {
        peer.tell(new Forward(p.sid(), new String(p.raw(), StandardCharsets.UTF_8), p.replyTo()));
    }

    /** The session ended (its actor stopped). */
    void ended(String sid) {
        local.remove(sid);
        ConnectionCaps.Ticket ticket = tickets.remove(sid);
        if (ticket != null) {
            ticket.release();
        }
    }

    int size() {
        return local.size();
    }

    private Behavior<Forwarded> forwarder() {
        return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY,
                ctx.messageAdapter(Receptionist.Listing.class, Peers::new)));
            Address self = Cluster.get(ctx.getSystem()).selfMember().address();
            return Behaviors.receive(Forwarded.class)
                .onMessage(Take.class, t -> {
                    String sid = t.body().attr("sid");
                    if (sid == null) {
                        create(t.body(), t.secure(), t.source(), t.replyTo());
                    } else {
                        deliver(sid, t.body(), t.raw(), t.replyTo(), timers);
                    }
                    return Behaviors.same();
                })
                .onMessage(Forward.class, f -> {
                    Element body;
                    try {
                        body = BoshBody.parse(f.body().getBytes(StandardCharsets.UTF_8), limits);
                    } catch (BoshBody.Malformed e) {
                        f.replyTo().tell(BoshReply.terminate("bad-request"));
                        return Behaviors.same();
                    }
                    ActorRef<BoshSession.Command> s = local.get(f.sid());
                    if (s == null) {
                        f.replyTo().tell(BoshReply.terminate("item-not-found"));
                    } else {
                        s.tell(new BoshSession.Request(body, f.replyTo()));
                    }
                    return Behaviors.same();
                })
                .onMessage(Peers.class, p -> {
                    Map<String, ActorRef<Forwarded>> byTag = new HashMap<>();
                    for (ActorRef<Forwarded> ref : p.listing().getServiceInstances(KEY)) {
                        Address a = ref.path().address();
                        byTag.put(tagOf(a.hasLocalScope() ? self : a), ref);
                    }
                    peers = Map.copyOf(byTag);
                    for (WaitingForPeers.Waiting<Pending> w : waitingForPeers.known(byTag::containsKey)) {
                        forward(byTag.get(w.tag()), w.request());
                    }
                    return Behaviors.same();
                })
                .onMessage(WaitTick.class, t -> {
                    // §14.2 and §11: the node never became known; the answer for an unknown session
                    waitingForPeers.expired(clock.millis())
                        .forEach(p -> p.replyTo().tell(BoshReply.terminate("item-not-found")));
                    if (waitingForPeers.isEmpty()) {
                        timers.cancel(WaitTick.INSTANCE);
                    }
                    return Behaviors.same();
                })
                .build();
        }));
    }
}
