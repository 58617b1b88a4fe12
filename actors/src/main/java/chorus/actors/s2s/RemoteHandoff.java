package chorus.actors.s2s;

import chorus.actors.ClusterMessage;
import chorus.actors.router.Router;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One per node: holds what this node routes to other servers that no client session holds (presences, IQs and
 * their answers, a room's traffic, messages the entities send) until the {@link RemoteDomain} entity of its pair of
 * domains says the peer has it or it bounced. Unanswered after {@link #RESEND_AFTER}, a stanza is handed again (the
 * entity takes each once), so a stanza in the hands of an entity whose node died goes to that entity started
 * elsewhere: at least once, like a client's messages, which their sessions hold. Still unanswered after
 * {@code giveUp} (three times bounce-after: the entity answers every stanza it took within bounce-after plus the
 * acknowledgement timeout), it bounces to its local sender with remote-server-timeout (RFC 6120 §8.3.3.16) and is
 * forgotten. What it holds is bounded ({@code maxHeld} stanzas, {@code maxBytes}); beyond, resource-constraint.
 * What this node held when it died is lost with it, as are the entities and sessions on it that sent it.
 */
public final class RemoteHandoff extends AbstractBehavior<RemoteHandoff.Command> {
    static final Duration RESEND_AFTER = Duration.ofSeconds(5);
    static final Duration TICK = Duration.ofSeconds(1);

    public interface Command extends ClusterMessage {
    }

    /** A stanza for another server (local: the router's way out). */
    public record Hand(Stanza stanza) implements Command {
        @Override
        public String toString() {
            return "Hand[" + stanza + "]";
        }
    }

    /** The entity is done with the stanza handed with {@code seq}: the peer has it, or it bounced. */
    public record Taken(long seq) implements Command {
    }

    /** The entity that held {@code seq} stopped without finishing it: hand it again now (to its next start). */
    public record HandAgain(long seq) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** Where the entity of a stanza's pair is (the router's sharded way to it). */
    @FunctionalInterface
    public interface Entities {
        void tell(Stanza stanza, RemoteDomain.Command command);
    }

    private record Held(Stanza stanza, Instant first, Instant lastHanded, long size) {
    }

    public static Behavior<Command> create(Entities entities, Router router, RemoteSettings settings, Clock clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RemoteHandoff(ctx, timers, entities, router,
            settings.bounceAfter().multipliedBy(3), settings.maxQueuedStanzas() * 10,
            settings.maxQueuedBytes() * 10, clock)));
    }

    private final Entities entities;
    private final Router router;
    private final Duration giveUp;
    private final int maxHeld;
    private final long maxBytes;
    private final Clock clock;
    private final Map<Long, Held> held = new LinkedHashMap<>();
    private long bytes;
    private long nextSeq = 1;

    private RemoteHandoff(ActorContext<Command> ctx, TimerScheduler<Command> timers, Entities entities, Router router,
                          Duration giveUp, int maxHeld, long maxBytes, Clock clock) {
        super(ctx);
        this.entities = entities;
        this.router = router;
        this.giveUp = giveUp;
        this.maxHeld = maxHeld;
        this.maxBytes = maxBytes;
        this.clock = clock;
        timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Hand.class, this::onHand)
            .onMessage(Taken.class, t -> {
                forget(t.seq());
                return this;
            })
            .onMessage(HandAgain.class, a -> {
                Held h = held.get(a.seq());
                if (h != null) {
                    hand(a.seq(), h, clock.instant());
                }
                return this;
            })
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .build();
    }

    private Behavior<Command> onHand(Hand h) {
        long size = OutQueue.sizeOf(h.stanza());
        if (held.size() >= maxHeld || bytes + size > maxBytes) {
            router.bounce(h.stanza(), StanzaError.Condition.RESOURCE_CONSTRAINT);
            return this;
        }
        Instant now = clock.instant();
        long seq = nextSeq++;
        bytes += size;
        hand(seq, new Held(h.stanza(), now, now, size), now);
        return this;
    }

    private void hand(long seq, Held h, Instant now) {
        held.put(seq, new Held(h.stanza(), h.first(), now, h.size()));
        entities.tell(h.stanza(), new RemoteDomain.SendHeld(h.stanza(), getContext().getSelf(), seq));
    }

    private void forget(long seq) {
        Held h = held.remove(seq);
        if (h != null) {
            bytes -= h.size();
        }
    }

    private Behavior<Command> onTick() {
        Instant now = clock.instant();
        Iterator<Map.Entry<Long, Held>> it = held.entrySet().iterator();
        Map<Long, Held> again = new LinkedHashMap<>();
        while (it.hasNext()) {
            Map.Entry<Long, Held> e = it.next();
            Held h = e.getValue();
            if (Duration.between(h.first(), now).compareTo(giveUp) >= 0) {
                it.remove();
                bytes -= h.size();
                router.bounce(h.stanza(), StanzaError.Condition.REMOTE_SERVER_TIMEOUT);
            } else if (Duration.between(h.lastHanded(), now).compareTo(RESEND_AFTER) >= 0) {
                again.put(e.getKey(), h);
            }
        }
        again.forEach((seq, h) -> hand(seq, h, now));
        return this;
    }
}
