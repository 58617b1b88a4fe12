package chorus.node.component;

import chorus.actors.ClusterMessage;
import chorus.actors.router.Router;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;
import chorus.node.stream.StreamError;
import chorus.node.stream.StreamErrors;
import chorus.node.stream.StreamEvent;
import chorus.node.xmppstream.StanzaIntake;
import chorus.node.xmppstream.ServerSideStream;
import chorus.node.xmppstream.StreamOpening;
import chorus.node.xmppstream.Transport;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * One per connected external component (XEP-0114, accept mode), on the node it connected to. The component opens a
 * stream to its domain ({@code gateway.DOMAIN}), proves the shared secret with the handshake of XEP-0114 §3
 * ({@link ComponentHandshake}), and is then registered with the cluster's receptionist, so that every node's router
 * reaches it ({@link Components}). What it sends must come from its own domain ({@code invalid-from}) and name a
 * recipient; it goes to the router like anything else, to local users, services or other servers.
 */
final class ComponentStream extends ServerSideStream<ComponentStream.Input> {
    private static final Logger log = LoggerFactory.getLogger(ComponentStream.class);

    interface Input {
    }

    /** A stanza for the component, from a router on any node. */
    record Deliver(Stanza stanza) implements Input, ClusterMessage {
    }

    record Inbound(StreamEvent event) implements Input {
    }

    enum TransportClosed implements Input { INSTANCE }

    enum Shutdown implements Input { INSTANCE }

    private enum HandshakeTimeout implements Input { INSTANCE }

    private enum Phase { AWAIT_STREAM, HANDSHAKE, READY }

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    private final Router router;
    private final Map<String, String> secrets;
    private final ComponentRegistry registry;
    private final StanzaIntake intake;
    private Phase phase = Phase.AWAIT_STREAM;
    private String domain;

    private ComponentStream(ActorContext<Input> ctx, TimerScheduler<Input> timers, Transport transport, Router router,
                            Map<String, String> secrets, ComponentRegistry registry) {
        super(ctx, transport, new StreamOpening(router.domain().toString(), secrets::containsKey, Components.NS, false));
        this.router = router;
        this.secrets = secrets;
        this.registry = registry;
        this.intake = new StanzaIntake(Components.NS, jid -> jid.domain().equals(domain));
        timers.startSingleTimer(HandshakeTimeout.INSTANCE, HandshakeTimeout.INSTANCE, HANDSHAKE_TIMEOUT);
        if (!registry.add(ctx.getSelf())) {
            fail(StreamErrors.RESOURCE_CONSTRAINT, "this server holds all the component connections it can");
        }
    }

    static Behavior<Input> create(Transport transport, Router router, Map<String, String> secrets,
                                  ComponentRegistry registry) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new ComponentStream(ctx, timers, transport, router, secrets, registry)));
    }

    @Override
    public Receive<Input> createReceive() {
        return newReceiveBuilder()
            .onMessage(Inbound.class, in -> onInbound(in.event()))
            .onMessage(Deliver.class, d -> {
                if (phase == Phase.READY && !closed()) {
                    transport.send(d.stanza());
                } else {
                    router.bounce(d.stanza(), chorus.actors.xmpp.StanzaError.Condition.SERVICE_UNAVAILABLE);
                }
                return this;
            })
            .onMessageEquals(TransportClosed.INSTANCE, Behaviors::stopped)
            .onMessageEquals(HandshakeTimeout.INSTANCE, () -> phase == Phase.READY ? this
                : fail(StreamErrors.CONNECTION_TIMEOUT, "no handshake in time"))
            .onMessageEquals(Shutdown.INSTANCE, () -> fail(StreamErrors.SYSTEM_SHUTDOWN, "the server is stopping"))
            .onSignal(PostStop.class, s -> {
                registry.remove(getContext().getSelf());
                if (domain != null && phase == Phase.READY && !closed()) {
                    log.info("component {} disconnected", domain);
                }
                return this;
            })
            .build();
    }

    @Override
    protected boolean awaitingHeader() {
        return phase == Phase.AWAIT_STREAM;
    }

    @Override
    protected Behavior<Input> onHeader(StreamEvent.StreamOpen open) {
        StreamError refused = opening.answer(open, transport);
        if (refused == null && open.to() == null) {
            refused = new StreamError(StreamErrors.HOST_UNKNOWN, "name the component's domain in 'to'");
        }
        if (refused != null) {
            return fail(refused);
        }
        domain = opening.host();
        phase = Phase.HANDSHAKE;
        return this;
    }

    @Override
    protected Behavior<Input> onElement(Element e) {
        return phase == Phase.HANDSHAKE ? onHandshake(e) : onStanza(e);
    }

    /** XEP-0114 §3: {@code <handshake>hex(SHA-1(streamId + secret))</handshake>}, answered by an empty one. */
    private Behavior<Input> onHandshake(Element e) {
        if (!e.is("handshake", Components.NS)
            || !ComponentHandshake.verify(e.text(), opening.id(), secrets.get(domain))) {
            log.info("component handshake for {} refused", domain);
            return fail(StreamErrors.NOT_AUTHORIZED, "the handshake does not prove the secret");
        }
        transport.send(Element.of("handshake", Components.NS));
        phase = Phase.READY;
        getContext().getSystem().receptionist().tell(Receptionist.register(Components.key(domain),
            getContext().getSelf().narrow()));
        log.info("component {} connected", domain);
        return this;
    }

    private Behavior<Input> onStanza(Element e) {
        if (phase != Phase.READY) {
            return fail(StreamErrors.NOT_AUTHORIZED, "handshake first");
        }
        if (intake.isStanza(e) && (e.attr("from") == null || e.attr("to") == null)) {
            return fail(StreamErrors.IMPROPER_ADDRESSING, "a component's stanza needs 'from' and 'to'");
        }
        StanzaIntake.Taken t = intake.take(e, null);
        if (t instanceof StanzaIntake.Taken.Accepted a) {
            router.route(a.stanza());
        } else if (t instanceof StanzaIntake.Taken.Refused r) {
            Stanza reply = StanzaIntake.addressedErrorFor(e, r.error(), Components.NS);
            if (reply != null) {
                transport.send(reply);
            }
        } else {
            return fail(((StanzaIntake.Taken.Failed) t).error());
        }
        return this;
    }
}
