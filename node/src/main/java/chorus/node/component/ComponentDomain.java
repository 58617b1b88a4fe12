package chorus.node.component;

import chorus.actors.xmpp.Stanza;
import chorus.node.cluster.WaitingForPeers;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One configured component's domain on this node: the streams that serve it, wherever in the cluster they are
 * connected (from the receptionist, {@code component:DOMAIN}), and the stanzas that wait for the first of them.
 * <p>
 * A component that has just connected to another node is known here only when the receptionist tells (0.9 to 3.6 s
 * measured). A stanza for the domain while no stream is known waits ({@link WaitingForPeers},
 * {@code chorus.component.registration-wait}, {@code registration-wait-max-stanzas} at once) and goes to the
 * component the moment one is known; after the wait, or past the bound at once, it bounces (service-unavailable,
 * XEP-0114 §1: the server stands in for the domain and nobody answers).
 * <p>
 * {@link #deliver} runs on any thread. While anything waits or is on its way to the watch actor, every stanza goes
 * through the actor too, so that stanzas from one sender reach the component in the order sent (RFC 6120 §10.1).
 */
final class ComponentDomain {
    sealed interface Input {
    }

    /** The receptionist's listing of the domain's streams changed. */
    record Streams(Receptionist.Listing listing) implements Input {
    }

    /** A stanza found no stream known (or others waiting) on the fast path. */
    record Hold(Stanza stanza) implements Input {
    }

    enum Tick implements Input {
        INSTANCE
    }

    static final Duration TICK = Duration.ofMillis(100);

    private final String domain;
    private final Consumer<Stanza> bounce;
    private volatile List<ActorRef<ComponentStream.Deliver>> streams = List.of();
    /** Stanzas held or on their way to the actor; the fast path is taken only at zero. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile ActorRef<Input> watch;

    /** {@code bounce}: answers a stanza that no component took (service-unavailable). */
    ComponentDomain(String domain, Consumer<Stanza> bounce) {
        this.domain = domain;
        this.bounce = bounce;
    }

    /** The watch actor; spawn it once and give its reference to {@link #watching}. */
    Behavior<Input> behavior(Duration wait, int maxWaiting, Clock clock) {
        WaitingForPeers<Stanza> held = new WaitingForPeers<>(wait, maxWaiting);
        return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(Components.key(domain),
                ctx.messageAdapter(Receptionist.Listing.class, Streams::new)));
            return Behaviors.receive(Input.class)
                .onMessage(Streams.class, s -> {
                    List<ActorRef<ComponentStream.Deliver>> refs = s.listing()
                        .getServiceInstances(Components.key(domain)).stream()
                        .sorted(Comparator.comparing(r -> r.path().toString())).toList();
                    if (!refs.isEmpty()) {
                        // those that waited first, then the fast path again
                        for (WaitingForPeers.Waiting<Stanza> w : held.known(tag -> true)) {
                            refs.get(0).tell(new ComponentStream.Deliver(w.request()));
                            pending.decrementAndGet();
                        }
                    }
                    streams = refs;
                    return Behaviors.same();
                })
                .onMessage(Hold.class, h -> {
                    List<ActorRef<ComponentStream.Deliver>> refs = streams;
                    if (!refs.isEmpty()) {
                        refs.get(0).tell(new ComponentStream.Deliver(h.stanza()));
                        pending.decrementAndGet();
                    } else if (held.hold(domain, h.stanza(), clock.millis())) {
                        if (!timers.isTimerActive(Tick.INSTANCE)) {
                            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
                        }
                    } else {
                        pending.decrementAndGet();
                        bounce.accept(h.stanza());
                    }
                    return Behaviors.same();
                })
                .onMessage(Tick.class, t -> {
                    for (Stanza s : held.expired(clock.millis())) {
                        pending.decrementAndGet();
                        bounce.accept(s);
                    }
                    if (held.isEmpty()) {
                        timers.cancel(Tick.INSTANCE);
                    }
                    return Behaviors.same();
                })
                .build();
        }));
    }

    void watching(ActorRef<Input> actor) {
        this.watch = actor;
    }

    /** To the component's stream, wherever it is, or to wait for one. */
    void deliver(Stanza stanza) {
        List<ActorRef<ComponentStream.Deliver>> refs = streams;
        if (!refs.isEmpty() && pending.get() == 0) {
            refs.get(0).tell(new ComponentStream.Deliver(stanza));
            return;
        }
        pending.incrementAndGet();
        watch.tell(new Hold(stanza));
    }
}
