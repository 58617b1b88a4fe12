package chorus.actors.pubsub;

import chorus.actors.ClusterMessage;
import chorus.actors.JournaledEntity;
import chorus.actors.cluster.Frame;
import chorus.actors.cluster.FrameAssembly;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.StanzaRouter;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The pubsub service ({@code pubsub.DOMAIN}, XEP-0060) as one sharded, event-sourced entity per service address:
 * its nodes, their items and subscriptions are the entity's state, journaled as {@link PubSubEvent}s with a
 * snapshot every 100 events. One entity serves the whole service, so the caps on nodes (of the service, of an
 * owner) and on the service's items together are exact; it runs on one node of the cluster at a time.
 */
public final class PubSubEntity extends JournaledEntity<PubSubEntity.Command, PubSubEvent, PubSubEntity.State> {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "PubSub");

    public interface Command extends ClusterMessage {
    }

    /** A stanza addressed to the service or one of its nodes. */
    public record Deliver(Stanza stanza) implements Command {
    }

    /** A piece of a command too large for one cluster frame; handled once whole. */
    public record Framed(Frame frame) implements Command {
    }

    /** An account of the domain was removed: its nodes and subscriptions go. */
    public record Forget(String account) implements Command {
        @Override
        public String toString() {
            return "Forget[account]";
        }
    }

    /** Sent by sharding at passivation or rebalance. */
    public enum Stop implements Command { INSTANCE }

    /** The service's nodes by name, in the order they were created. */
    public record State(Map<String, ServiceNode> nodes) implements ClusterMessage {
        public State {
            nodes = nodes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nodes));
        }

        @Override
        public String toString() {
            return "PubSubState[" + nodes.size() + " nodes]";
        }
    }

    /** What the service's entity needs from its node: the settings, the domain of its accounts, the router. */
    public record Deps(PubSubSettings settings, String userDomain, StanzaRouter router, Supplier<String> ids) {
        public Deps(PubSubSettings settings, String userDomain, StanzaRouter router) {
            this(settings, userDomain, router, () -> UUID.randomUUID().toString());
        }
    }

    /** A pubsub request (XEP-0060), which the service also answers at the server's own domain. */
    public static boolean owns(Iq iq) {
        return iq.payloadIs(PubSubLogic.NS, "pubsub") || iq.payloadIs(PubSubLogic.OWNER, "pubsub");
    }

    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), deps)).withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String service, Deps deps) {
        return Behaviors.setup(ctx -> new PubSubEntity(ctx, service, deps));
    }

    private final Deps deps;
    private final PubSubLogic logic;
    private final FrameAssembly framed;

    private PubSubEntity(ActorContext<Command> ctx, String service, Deps deps) {
        super(ctx, PersistenceId.of(KEY.name(), service), NodeMetrics.EntityType.PUBSUB);
        this.deps = deps;
        this.logic = new PubSubLogic(new DomainJid(service), deps.userDomain(), deps.settings(), deps.ids());
        this.framed = new FrameAssembly(ctx.getSystem());
    }

    @Override
    public State emptyState() {
        return new State(Map.of());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public EventHandler<State, PubSubEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
            .onAnyEvent((s, e) -> new State(e.applyTo(s.nodes())));
    }

    @Override
    protected CommandHandler<Command, PubSubEvent, State> commands() {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(Deliver.class, this::onDeliver)
            .onCommand(Forget.class, (s, c) -> {
                PubSubLogic.Outcome o = logic.forget(c.account(), s.nodes());
                return Effect().persist(o.events()).thenRun(after -> o.notifications().forEach(deps.router()::route));
            })
            .onCommand(Stop.class, (s, c) -> Effect().stop())
            .onCommand(Framed.class, (s, c) -> framed.accept(c.frame())
                .map(whole -> commandHandler().apply(s, (Command) whole)).orElseGet(() -> Effect().none()))
            .build();
    }

    private Effect<PubSubEvent, State> onDeliver(State s, Deliver d) {
        Stanza stanza = d.stanza();
        if (stanza.from() == null) {
            return Effect().none();
        }
        if (stanza instanceof Iq iq) {
            if (!iq.isRequest()) {
                return Effect().none();
            }
            if (ServiceDisco.owns(iq)) {
                deps.router().route(ServiceDisco.answer(iq, s.nodes()));
                return Effect().none();
            }
            if (!owns(iq)) {
                deps.router().route(iq.error(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
                return Effect().none();
            }
            PubSubLogic.Outcome o = logic.decide(iq, s.nodes());
            return Effect().persist(o.events()).thenRun(after -> {
                deps.router().route(o.reply());
                o.notifications().forEach(deps.router()::route);
            });
        }
        // RFC 6120 §8.4: the service does not chat; presence to it goes nowhere.
        if (stanza instanceof Message && !stanza.isError()) {
            deps.router().route(stanza.errorReply(StanzaError.of(StanzaError.Condition.SERVICE_UNAVAILABLE)));
        }
        return Effect().none();
    }
}
