package chorus.actors.s2s;

import chorus.actors.ClusterMessage;
import chorus.actors.router.Router;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One per pair of domains (this server's sending domain, another server's domain), placed by Cluster Sharding: the
 * one place that owns the outgoing server-to-server stream of the pair (RFC 6120 §4, one stream per direction). It
 * queues what the router hands it while its stream ({@link RemoteLink}, a child the node provides) connects, writes
 * it once the stream is up, and keeps it until the peer acknowledged it: with XEP-0198 where the peer offers it,
 * else with a XEP-0199 ping sent after it (a server answers in order). A stream that is lost gives back what it did
 * not acknowledge, to be written again on the next one (at least once). Connection attempts back off; what the peer
 * does not get within {@code bounceAfter} bounces with remote-server-timeout, and everything bounces with
 * remote-server-not-found when the peer does not exist or refused us (RFC 6120 §8.3.3.15-16). A message a client
 * session waits for is acknowledged to it only when the peer has it or it bounced, so when this entity's node dies
 * the session sends it again, to this entity started elsewhere.
 *
 * <p>The entity also asks its peer to verify dialback keys for incoming streams (XEP-0220 §2.4), and leaves memory
 * when it has nothing to do; its stream closes after {@code idleTimeout} without traffic.
 *
 * <p>Over 400 lines: the protocol (records) and the queue's life cycle in one place; {@link OutQueue} already holds
 * the bookkeeping.
 */
public final class RemoteDomain extends AbstractBehavior<RemoteDomain.Command> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RemoteDomain.class);

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "RemoteDomain");
    /** The ids of the pings that ask a peer without XEP-0198 to confirm what it received. */
    public static final String ACK_PREFIX = "s2s-ack-";
    static final Duration TICK = Duration.ofSeconds(1);
    /** A ping unanswered this long is followed by another (without XEP-0198). */
    static final Duration PING_AGAIN = Duration.ofSeconds(5);
    /** An entity with neither stream nor work leaves memory after this long. */
    static final Duration LINGER = Duration.ofSeconds(30);

    /** The entity id of a pair: {@code local|remote}. */
    public static String entityId(String local, String remote) {
        return local + "|" + remote;
    }

    // ---- protocol ----

    public interface Command extends ClusterMessage {
    }

    /** A stanza for the peer, fire and forget. */
    public record Send(Stanza stanza) implements Command {
    }

    /** A message for the peer; {@code ackTo} learns with {@code seq} once the peer has it or it bounced. */
    public record SendAcknowledged(Message message, ActorRef<SessionMessage> ackTo, long seq) implements Command {
    }

    /**
     * Any other stanza for the peer (presence, IQ, a room's traffic), held on its sending node by {@code heldBy}
     * until it learns with {@code seq} that the peer has it or it bounced; it hands the stanza again otherwise.
     */
    public record SendHeld(Stanza stanza, ActorRef<RemoteHandoff.Command> heldBy, long seq) implements Command {
    }

    /** The peer answered an IQ of ours (the acknowledgement pings). */
    public record Answered(Iq answer) implements Command {
    }

    /** XEP-0220 §2.4: ask the peer whether it issued {@code key} on its stream {@code streamId} to our domain. */
    public record Verify(String streamId, String key, ActorRef<Verified> replyTo) implements Command {
        @Override
        public String toString() {
            return "Verify[" + streamId + "]";
        }
    }

    /** The peer's answer to a {@link Verify}; {@code failed}: it could not be asked (its stream did not come up). */
    public record Verified(String streamId, boolean valid, boolean failed) implements ClusterMessage {
    }

    /** The link is authenticated and takes stanzas; {@code smAcks}: the peer acknowledges with XEP-0198. */
    public record LinkUp(long epoch, boolean smAcks) implements Command {
    }

    /** XEP-0198 §4: the peer handled the link's first {@code handled} sends. */
    public record LinkAcked(long epoch, long handled) implements Command {
    }

    /** The peer answered a {@link RemoteLink.Verify}. */
    public record LinkVerified(long epoch, String streamId, boolean valid) implements Command {
    }

    /** The link ended; the reason is fit for a log line (no address). */
    public record LinkDown(long epoch, Failure failure, String reason) implements Command {
    }

    /** Why a link ended. */
    public enum Failure {
        /** The peer's domain has no server, or the stream could not be authenticated: stanzas bounce at once. */
        NOT_FOUND,
        /** No address answered, or the connection broke before the stream was up: retried, with back-off. */
        UNREACHABLE,
        /** The stream ended (idle, closed by the peer, or broken after it was up). */
        CLOSED
    }

    /** Sent by sharding to stop the entity (rebalance, passivation, shutdown). */
    public enum Stop implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    private enum Retry implements Command { INSTANCE }

    /** What the entities need from the node. */
    public record Deps(Router router, RemoteLink.Factory links, RemoteSettings settings, Clock clock) {
    }

    public static void init(ClusterSharding sharding, ClusterShardingSettings settings, Deps deps) {
        // The entity leaves memory itself, when it has no stream and nothing to do: idle passivation by sharding
        // would not see the traffic of its stream, which does not pass through the shard.
        sharding.init(Entity.of(KEY, ec -> create(ec.getEntityId(), ec.getShard(), deps))
            .withStopMessage(Stop.INSTANCE)
            .withSettings(settings.withNoPassivationStrategy()));
    }

    public static Behavior<Command> create(String entityId, ActorRef<ClusterSharding.ShardCommand> shard, Deps deps) {
        int bar = entityId.indexOf('|');
        String local = entityId.substring(0, bar);
        String remote = entityId.substring(bar + 1);
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new RemoteDomain(ctx, timers, shard, local, remote, deps)));
    }

    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final String local;
    private final String remote;
    private final Deps deps;
    private final RemoteSettings settings;
    /** Tells this incarnation's acknowledgement pings from an earlier one's (the entity may have moved). */
    private final String incarnation = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final OutQueue queue;
    private final Map<String, List<ActorRef<Verified>>> verifies = new HashMap<>();

    private ActorRef<RemoteLink> link;
    private long epoch;
    private boolean up;
    private boolean smAcks;
    private boolean closing;
    /** Sends on the current link: the n-th send is stanza n of the stream. */
    private long sends;
    /** The send up to which the outstanding ping asks for an acknowledgement (0: none outstanding). */
    private long pingUpTo;
    /** When the outstanding ping went out, and the ones before it still unanswered (their id to their send). */
    private Instant pingSentAt;
    private final java.util.LinkedHashMap<String, Long> earlierPings = new java.util.LinkedHashMap<>();
    private Duration backoff;
    private Instant lastActivity;

    private RemoteDomain(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                         ActorRef<ClusterSharding.ShardCommand> shard, String local, String remote, Deps deps) {
        super(ctx);
        this.timers = timers;
        this.shard = shard;
        this.local = local;
        this.remote = remote;
        this.deps = deps;
        this.settings = deps.settings();
        this.queue = new OutQueue(settings.maxQueuedStanzas(), settings.maxQueuedBytes());
        this.lastActivity = deps.clock().instant();
        timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Send.class, m -> offer(new OutQueue.Entry(m.stanza(), null, null, 0, now(),
                OutQueue.sizeOf(m.stanza()))))
            .onMessage(SendAcknowledged.class, m -> offer(new OutQueue.Entry(m.message(), m.ackTo(), null, m.seq(), now(),
                OutQueue.sizeOf(m.message()))))
            .onMessage(SendHeld.class, m -> offer(new OutQueue.Entry(m.stanza(), null, m.heldBy(), m.seq(), now(),
                OutQueue.sizeOf(m.stanza()))))
            .onMessage(Answered.class, this::onAnswered)
            .onMessage(Verify.class, this::onVerify)
            .onMessage(LinkUp.class, this::onLinkUp)
            .onMessage(LinkAcked.class, this::onLinkAcked)
            .onMessage(LinkVerified.class, this::onLinkVerified)
            .onMessage(LinkDown.class, this::onLinkDown)
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .onMessageEquals(Retry.INSTANCE, this::onRetry)
            .onMessageEquals(Stop.INSTANCE, this::onStop)
            .build();
    }

    private Instant now() {
        return deps.clock().instant();
    }

    // ---- what the router hands over ----

    private Behavior<Command> offer(OutQueue.Entry e) {
        OutQueue.Offer taken = queue.offer(e);
        log.debug("{} to {}: a {} offered: {} (link {}, up {})", local, remote, e.stanza().kind(), taken,
            link != null, up);
        switch (taken) {
            case PENDING:
                return this; // a copy its sender sent again: the first is still on its way
            case DONE:
                release(e);
                return this;
            case FULL:
                bounce(e, StanzaError.Condition.RESOURCE_CONSTRAINT);
                return this;
            default:
                break;
        }
        lastActivity = now();
        if (up) {
            flush();
        } else if (link == null && !timers.isTimerActive(Retry.INSTANCE)) {
            connect();
        }
        return this;
    }

    private void flush() {
        Instant at = now();
        OutQueue.Entry e;
        while (up && !closing && (e = queue.next()) != null) {
            link.tell(new RemoteLink.Send(e.stanza()));
            queue.sent(++sends, e, at);
        }
        askForAcknowledgement();
    }

    /**
     * Without XEP-0198: a ping after what went out; its answer acknowledges everything before it. One at a time, but a
     * ping unanswered for {@link #PING_AGAIN} is followed by another: a peer that could not route its answer (its own
     * stream to us was not up yet) would otherwise leave everything unacknowledged until bounce-after.
     */
    private void askForAcknowledgement() {
        if (!up || closing || smAcks || !queue.hasInFlight()) {
            return;
        }
        if (pingUpTo != 0) {
            if (pingSentAt == null || Duration.between(pingSentAt, now()).compareTo(PING_AGAIN) < 0) {
                return;
            }
            earlierPings.put(pingId(pingUpTo), pingUpTo);
            if (earlierPings.size() > 8) {
                earlierPings.remove(earlierPings.keySet().iterator().next());
            }
        }
        pingUpTo = sends;
        pingSentAt = now();
        link.tell(new RemoteLink.Send(Iq.of(new DomainJid(local), new DomainJid(remote), pingId(pingUpTo), Iq.Type.GET,
            Element.of("ping", "urn:xmpp:ping"))));
        sends++;
    }

    private String pingId(long upTo) {
        return ACK_PREFIX + incarnation + "-" + epoch + "-" + upTo;
    }

    private Behavior<Command> onAnswered(Answered a) {
        if (!up || pingUpTo == 0) {
            return this;
        }
        String id = a.answer().id();
        if (pingId(pingUpTo).equals(id)) {
            acknowledged(queue.ackUpTo(pingUpTo));
            pingUpTo = 0;
            earlierPings.clear();
            askForAcknowledgement();
        } else if (earlierPings.containsKey(id)) {
            // A late answer to an earlier ping: everything up to that one arrived.
            long upTo = earlierPings.get(id);
            acknowledged(queue.ackUpTo(upTo));
            earlierPings.values().removeIf(n -> n <= upTo);
        }
        return this;
    }

    private Behavior<Command> onLinkAcked(LinkAcked a) {
        if (up && a.epoch() == epoch) {
            acknowledged(queue.ackUpTo(a.handled()));
        }
        return this;
    }

    private void acknowledged(List<OutQueue.Entry> entries) {
        entries.forEach(RemoteDomain::release);
    }

    /** Whoever waits for the stanza learns that it is done with (the peer has it, or it bounced). */
    private static void release(OutQueue.Entry e) {
        if (e.ackTo() != null) {
            e.ackTo().tell(new SessionMessage.Accepted(e.seq()));
        } else if (e.heldBy() != null) {
            e.heldBy().tell(new RemoteHandoff.Taken(e.seq()));
        }
    }

    /** The error reply goes back to the sender (and into the diagnostics); whoever waits is released. */
    private void bounce(OutQueue.Entry e, StanzaError.Condition condition) {
        release(e);
        deps.router().bounce(e.stanza(), condition);
    }

    // ---- the link ----

    private void connect() {
        epoch++;
        up = false;
        closing = false;
        sends = 0;
        pingUpTo = 0;
        earlierPings.clear();
        link = getContext().spawn(deps.links().open(local, remote, epoch, getContext().getSelf()), "link-" + epoch);
        getContext().watchWith(link, new LinkDown(epoch, Failure.CLOSED, "the stream ended"));
    }

    private Behavior<Command> onLinkUp(LinkUp u) {
        if (link == null || u.epoch() != epoch) {
            return this;
        }
        up = true;
        smAcks = u.smAcks();
        backoff = null;
        lastActivity = now();
        flush();
        return this;
    }

    private Behavior<Command> onLinkDown(LinkDown d) {
        if (link == null || d.epoch() != epoch) {
            return this; // an earlier link's late news
        }
        boolean wasUp = up;
        getContext().unwatch(link);
        link = null;
        up = false;
        pingUpTo = 0;
        earlierPings.clear();
        queue.requeueInFlight();
        for (Map.Entry<String, List<ActorRef<Verified>>> v : verifies.entrySet()) {
            v.getValue().forEach(r -> r.tell(new Verified(v.getKey(), false, true)));
        }
        verifies.clear();
        if (d.failure() == Failure.NOT_FOUND) {
            log.info("no stream from {} to {}: {}; what waits for it bounces", local, remote, d.reason());
            queue.drainWaiting().forEach(e -> bounce(e, StanzaError.Condition.REMOTE_SERVER_NOT_FOUND));
        } else if (!closing) {
            log.info("the stream from {} to {} ended: {}", local, remote, d.reason());
        }
        Duration delay;
        if (d.failure() == Failure.CLOSED && wasUp) {
            backoff = null; // a stream that was up connects again soon when there is more to send
            delay = settings.retryMin();
        } else {
            backoff = backoff == null ? settings.retryMin() : min(backoff.multipliedBy(2), settings.retryMax());
            delay = backoff;
        }
        if (queue.hasWaiting()) {
            timers.startSingleTimer(Retry.INSTANCE, Retry.INSTANCE, delay);
        }
        lastActivity = now();
        return this;
    }

    private Behavior<Command> onRetry() {
        if (link == null && (queue.hasWaiting() || !verifies.isEmpty())) {
            connect();
        }
        return this;
    }

    // ---- dialback verification for incoming streams ----

    private Behavior<Command> onVerify(Verify v) {
        verifies.computeIfAbsent(v.streamId(), k -> new ArrayList<>()).add(v.replyTo());
        lastActivity = now();
        if (link == null) {
            timers.cancel(Retry.INSTANCE);
            connect();
        }
        link.tell(new RemoteLink.Verify(v.streamId(), v.key()));
        return this;
    }

    private Behavior<Command> onLinkVerified(LinkVerified v) {
        List<ActorRef<Verified>> waiting = v.epoch() == epoch ? verifies.remove(v.streamId()) : null;
        if (waiting != null) {
            waiting.forEach(r -> r.tell(new Verified(v.streamId(), v.valid(), false)));
        }
        return this;
    }

    // ---- time ----

    private Behavior<Command> onTick() {
        Instant now = now();
        if (!up) {
            queue.waitingSince(now.minus(settings.bounceAfter()))
                .forEach(e -> bounce(e, StanzaError.Condition.REMOTE_SERVER_TIMEOUT));
        } else {
            List<OutQueue.Entry> late = queue.sentBefore(now.minus(settings.ackTimeout()));
            if (!late.isEmpty()) {
                // The stream took them but the peer does not confirm them: they may be lost (a half-dead connection, a
                // peer that drops what it cannot route). They bounce (RFC 6120 §8.3.3.16), and the stream, which no
                // longer tells what arrived, is closed: what it holds after them goes again on the next one.
                log.info("{} did not acknowledge {} stanzas from {} in {}; they bounce and the stream is closed", remote,
                    late.size(), local, settings.ackTimeout());
                late.forEach(e -> bounce(e, StanzaError.Condition.REMOTE_SERVER_TIMEOUT));
                if (!closing) {
                    closing = true;
                    link.tell(RemoteLink.Close.INSTANCE);
                }
            }
            askForAcknowledgement();
            if (queue.isEmpty() && !closing
                && Duration.between(lastActivity, now).compareTo(settings.idleTimeout()) >= 0) {
                closing = true;
                link.tell(RemoteLink.Close.INSTANCE);
            }
        }
        if (link == null && queue.isEmpty() && verifies.isEmpty() && !timers.isTimerActive(Retry.INSTANCE)
            && Duration.between(lastActivity, now).compareTo(LINGER) >= 0) {
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }

    /**
     * Sharding stops the entity (passivation, rebalance, shutdown). What it holds goes back to the router, which hands
     * it to this entity where it starts next (sharding keeps it meanwhile): waiting senders also send their copies
     * again, and the entity takes each once. When no other node is up to take it (the cluster stops), it bounces.
     */
    private Behavior<Command> onStop() {
        if (link != null) {
            link.tell(RemoteLink.Close.INSTANCE);
        }
        boolean moving = othersUp();
        for (OutQueue.Entry e : queue.drainAll()) {
            if (!moving) {
                bounce(e, StanzaError.Condition.REMOTE_SERVER_TIMEOUT);
            } else if (e.ackTo() != null && e.stanza() instanceof Message m) {
                deps.router().again(m, e.ackTo(), e.seq());
            } else if (e.heldBy() != null) {
                e.heldBy().tell(new RemoteHandoff.HandAgain(e.seq())); // its node hands it to this entity's next start
            } else {
                deps.router().route(e.stanza());
            }
        }
        for (Map.Entry<String, List<ActorRef<Verified>>> v : verifies.entrySet()) {
            v.getValue().forEach(r -> r.tell(new Verified(v.getKey(), false, true)));
        }
        return Behaviors.stopped();
    }

    private boolean othersUp() {
        try {
            org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem());
            for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
                if (m.status() == org.apache.pekko.cluster.MemberStatus.up() && !m.equals(cluster.selfMember())) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException notClustered) {
            return false; // a test's local actor system
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
