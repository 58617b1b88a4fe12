package chorus.actors.mailbox;

import chorus.actors.JournaledEntity;
import chorus.actors.ClusterMessage;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import org.apache.pekko.actor.typed.ActorRef;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One per account, sharded under the same entity id as the account's UserEntity: the messages that
 * arrived while the user was offline (XEP-0160), each with its arrival time. A message older than the
 * retention is never handed over; the journal's table expires its row after the retention, so the text
 * leaves Cassandra whether or not this entity ever runs again (see persistence/README.md).
 *
 * <p>A message is forgotten only once a session confirms it wrote it to the client ({@link Forget}),
 * so a crash or a disconnect in the middle loses none. ({@link Restore} and {@link Peek} serve XEP-0227 imports and
 * exports; with them the file passes 400 lines, one protocol kept in one place.)
 */
public final class MailboxEntity
        extends JournaledEntity<MailboxEntity.Command, MailboxEntity.Event, MailboxEntity.State> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Mailbox");
    public static final String XEP_0160 = "msgoffline";
    /** A page of {@link Peek} stays well under the cluster's frame size. */
    static final int PAGE_WEIGHT = 200_000;

    public interface Command extends ClusterMessage {
    }

    /** Keep this message, which arrived now, for the user. */
    public record Store(Message message, ActorRef<StoreReply> replyTo) implements Command {
    }

    /**
     * Hand every waiting message, oldest first and stamped with its arrival (XEP-0203), to this
     * session, which confirms with {@link Forget} once it wrote them.
     */
    public record DeliverTo(FullJid to, ActorRef<SessionMessage> session) implements Command {
    }

    /** The session wrote the messages up to this id to its client: they are gone. */
    public record Forget(long upToId) implements Command {
    }

    /**
     * Keep this message, which arrived at {@code arrivedAt} (an import, XEP-0227): refused with item-not-found when
     * its time in storage is already over, with resource-constraint when the mailbox is full.
     */
    public record Restore(Message message, Instant arrivedAt, ActorRef<StoreReply> replyTo) implements Command {
    }

    /** The waiting messages, oldest first, from the first with an id after {@code afterId} (an export, a page at a time). */
    public record Peek(long afterId, ActorRef<Waiting> replyTo) implements Command {
    }

    /** A page of waiting messages with their arrival, unstamped; {@code next} is the afterId of the next page, -1 at the end. */
    public record Waiting(List<MessageStored> messages, long next) implements ClusterMessage {
        public Waiting {
            messages = List.copyOf(messages);
        }

        @Override
        public String toString() {
            return "Waiting[" + messages.size() + "]";
        }
    }

    /** The account is removed: drop everything. */
    public record Clear(ActorRef<Cleared> replyTo) implements Command {
    }

    public enum Stop implements Command { INSTANCE }

    private enum ExpireTick implements Command { INSTANCE }

    public sealed interface StoreReply extends ClusterMessage {
        record Stored() implements StoreReply {
        }

        /** The mailbox is full (resource-constraint). Nothing already stored was touched. */
        record Refused(String condition) implements StoreReply {
        }
    }

    public record Cleared() implements ClusterMessage {
    }

    public interface Event extends ClusterMessage {
    }

    public record MessageStored(long id, Message message, Instant arrivedAt, int size) implements Event {
        @Override
        public String toString() {
            return "MessageStored[" + id + "]";
        }
    }

    /** Messages up to this id were handed to the user. */
    public record MessagesForgotten(long upToId) implements Event {
    }

    /** Messages that arrived before this instant expired. */
    public record MessagesExpired(Instant arrivedBefore) implements Event {
    }

    /** Everything was dropped (account removal). */
    public record MailboxCleared(Instant at) implements Event {
    }

    /** Waiting messages, oldest first. */
    public record State(List<MessageStored> waiting, long nextId, long bytes) implements ClusterMessage {
        public State {
            waiting = List.copyOf(waiting);
        }

        public static State empty() {
            return new State(List.of(), 1, 0);
        }

        State plus(MessageStored m) {
            List<MessageStored> w = new ArrayList<>(waiting);
            w.add(m);
            return new State(w, Math.max(nextId, m.id() + 1), bytes + m.size());
        }

        State without(java.util.function.Predicate<MessageStored> gone) {
            List<MessageStored> w = new ArrayList<>(waiting.size());
            long b = 0;
            for (MessageStored m : waiting) {
                if (!gone.test(m)) {
                    w.add(m);
                    b += m.size();
                }
            }
            return new State(w, nextId, b);
        }

        /** The messages that are still within the retention at {@code now}. */
        public List<MessageStored> unexpired(Instant now, Duration retention) {
            Instant cutoff = now.minus(retention);
            List<MessageStored> out = new ArrayList<>(waiting.size());
            for (MessageStored m : waiting) {
                if (m.arrivedAt().isAfter(cutoff)) {
                    out.add(m);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "MailboxState[" + waiting.size() + " waiting]";
        }
    }

    /**
     * Physically deletes the journal rows of a mailbox up to a sequence number (delivered messages), so
     * their text does not wait for the rows' expiry. The rows are the entity's own and it never reads
     * them again.
     */
    @FunctionalInterface
    public interface RowEraser {
        RowEraser NONE = (persistenceId, toSequenceNr) -> { };

        void eraseUpTo(String persistenceId, long toSequenceNr);
    }

    /** {@code metrics}: messages stored and handed over are counted there. */
    public static void init(ClusterSharding sharding, MailboxSettings settings, String domain, Clock clock,
                            RowEraser eraser, NodeMetrics metrics) {
        sharding.init(Entity.of(KEY,
                ctx -> create(ctx.getEntityId(), settings, domain, clock, ctx.getShard(), eraser, metrics))
            .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return create(bareJid, settings, domain, clock, shard, RowEraser.NONE, NodeMetrics.discarding());
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser,
                                           NodeMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(ExpireTick.INSTANCE, expiryCheck(settings.retention()));
            return new MailboxEntity(ctx, bareJid, settings, domain, clock, shard, eraser, metrics);
        }));
    }

    /** How often a live mailbox looks for expired messages: a hundredth of the retention, 1 s to 1 min. */
    static Duration expiryCheck(Duration retention) {
        Duration d = retention.dividedBy(100);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return d.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : d;
    }

    private final ActorContext<Command> ctx;
    private final MailboxSettings settings;
    private final String domain;
    private final Clock clock;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private Instant lastActive;
    /**
     * Per session, the last message id already handed to it and not yet forgotten: asked again (a
     * message stored while the session was becoming available), it gets only what is newer. In memory.
     */
    private final Map<ActorRef<SessionMessage>, Long> handedTo = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<SessionMessage>, Long> eldest) {
            return size() > 16;
        }
    };
    private final RowEraser eraser;
    private final String persistenceId;
    private final NodeMetrics metrics;

    private MailboxEntity(ActorContext<Command> ctx, String bareJid, MailboxSettings settings, String domain,
                          Clock clock, ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser,
                          NodeMetrics metrics) {
        super(ctx, PersistenceId.of(KEY.name(), bareJid), NodeMetrics.EntityType.MAILBOX);
        this.eraser = eraser;
        this.metrics = metrics;
        this.persistenceId = PersistenceId.of(KEY.name(), bareJid).id();
        this.ctx = ctx;
        this.settings = settings;
        this.domain = domain;
        this.clock = clock;
        this.shard = shard;
        this.lastActive = clock.instant();
    }

    @Override
    public String journalPluginId() {
        return settings.journalPlugin();
    }

    /** No snapshots: a snapshot would hold message texts beyond their row's expiry. */
    @Override
    public String snapshotPluginId() {
        return "pekko.persistence.no-snapshot-store";
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.disabled();
    }

    @Override
    public State emptyState() {
        return State.empty();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
            .onEvent(MessageStored.class, State::plus)
            .onEvent(MessagesForgotten.class, (s, e) -> s.without(m -> m.id() <= e.upToId()))
            .onEvent(MessagesExpired.class, (s, e) -> s.without(m -> !m.arrivedAt().isAfter(e.arrivedBefore())))
            .onEvent(MailboxCleared.class, (s, e) -> new State(List.of(), s.nextId(), 0))
            .build();
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(Store.class, this::onStore)
            .onCommand(Restore.class, this::onRestore)
            .onCommand(Peek.class, this::onPeek)
            .onCommand(DeliverTo.class, this::onDeliverTo)
            .onCommand(Forget.class, this::onForget)
            .onCommand(Clear.class, (s, c) -> Effect().persist(new MailboxCleared(clock.instant()))
                .thenRun(st -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
                .thenReply(c.replyTo(), st -> new Cleared()))
            .onCommand(ExpireTick.class, (s, c) -> {
                // Passivates when unused: an idle mailbox keeps no node busy (expiry does not need it).
                if (Duration.between(lastActive, clock.instant()).compareTo(settings.idleTimeout()) > 0) {
                    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                }
                return expire(s);
            })
            .onCommand(Stop.class, (s, c) -> Effect().stop())
            .build();
    }

    private Effect<Event, State> onStore(State s, Store c) {
        return store(s, c.message(), clock.instant().truncatedTo(ChronoUnit.MILLIS), c.replyTo());
    }

    private Effect<Event, State> onRestore(State s, Restore c) {
        if (!c.arrivedAt().isAfter(clock.instant().minus(settings.retention()))) {
            return Effect().reply(c.replyTo(), new StoreReply.Refused("item-not-found"));
        }
        return store(s, c.message(), c.arrivedAt().truncatedTo(ChronoUnit.MILLIS), c.replyTo());
    }

    private Effect<Event, State> store(State s, Message m, Instant arrivedAt, ActorRef<StoreReply> replyTo) {
        Instant now = clock.instant();
        State live = s.without(w -> !w.arrivedAt().isAfter(now.minus(settings.retention())));
        int size = m.toElement(Ns.CLIENT).weight();
        if (live.waiting().size() >= settings.maxMessages() || live.bytes() + size > settings.maxBytes()) {
            return Effect().reply(replyTo, new StoreReply.Refused("resource-constraint"));
        }
        lastActive = now;
        // The id is the event's sequence number: it keeps growing even after rows are erased.
        long id = Math.max(s.nextId(), lastSequenceNumber(ctx) + 1);
        return Effect().persist(new MessageStored(id, m, arrivedAt, size))
            .thenRun(st -> metrics.offlineStored())
            .thenReply(replyTo, st -> new StoreReply.Stored());
    }

    /** A page of what waits, within a weight that keeps the reply small. */
    private Effect<Event, State> onPeek(State s, Peek c) {
        List<MessageStored> page = new ArrayList<>();
        int weight = 0;
        long next = -1;
        for (MessageStored m : s.unexpired(clock.instant(), settings.retention())) {
            if (m.id() <= c.afterId()) {
                continue;
            }
            if (!page.isEmpty() && weight + m.size() > PAGE_WEIGHT) {
                next = page.get(page.size() - 1).id();
                break;
            }
            page.add(m);
            weight += m.size();
        }
        return Effect().reply(c.replyTo(), new Waiting(page, next));
    }

    private Effect<Event, State> onDeliverTo(State s, DeliverTo c) {
        lastActive = clock.instant();
        List<MessageStored> live = s.unexpired(clock.instant(), settings.retention());
        if (live.isEmpty()) {
            return expire(s);
        }
        long already = handedTo.getOrDefault(c.session(), 0L);
        List<Message> out = new ArrayList<>(live.size());
        for (MessageStored m : live) {
            if (m.id() > already) {
                out.add(stamped(m, c.to()));
            }
        }
        if (!out.isEmpty()) {
            long upTo = live.get(live.size() - 1).id();
            handedTo.put(c.session(), upTo);
            c.session().tell(new SessionMessage.Offline(out, upTo));
        }
        return expire(s);
    }

    /** The message as delivered: to the receiving resource, with a XEP-0203 delay element. */
    private Message stamped(MessageStored m, FullJid to) {
        List<Node> children = new ArrayList<>(m.message().children());
        children.add(Element.build("delay", Ns.DELAY)
            .attr("from", domain)
            .attr("stamp", DateTimeFormatter.ISO_INSTANT.format(m.arrivedAt()))
            .text("Offline storage")
            .get());
        return m.message().withTo(to).withChildren(children);
    }

    private Effect<Event, State> onForget(State s, Forget c) {
        lastActive = clock.instant();
        int delivered = (int) s.waiting().stream().filter(m -> m.id() <= c.upToId()).count();
        if (delivered == 0) {
            return Effect().none();
        }
        // Every event up to the last delivered message is about messages that are gone (delivered or
        // expired): their rows are erased now rather than at their expiry.
        long upTo = c.upToId();
        return Effect().persist(new MessagesForgotten(upTo)).thenRun(st -> {
            metrics.offlineDelivered(delivered);
            eraser.eraseUpTo(persistenceId, upTo);
        });
    }

    private Effect<Event, State> expire(State s) {
        Instant cutoff = clock.instant().minus(settings.retention());
        boolean any = s.waiting().stream().anyMatch(m -> !m.arrivedAt().isAfter(cutoff));
        return any ? Effect().persist(new MessagesExpired(cutoff)) : Effect().none();
    }
}
