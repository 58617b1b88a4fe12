package chorus.actors.mailbox;

import chorus.actors.ClusterMessage;
import chorus.actors.CommandTable;
import chorus.actors.JournaledEntity;
import chorus.actors.cluster.CoLocatedShards;
import chorus.actors.cluster.Frames;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;
import chorus.persistence.mailbox.InMemoryNoticeStore;
import chorus.persistence.mailbox.NoticeStore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One per account, sharded under the same entity id as the account's UserEntity: the messages that
 * arrived while the user was offline (XEP-0160), each with its arrival time. A message older than the
 * retention is never handed over; the journal's table expires its row after the retention, so the text
 * leaves Cassandra whether or not this entity ever runs again (see persistence/README.md).
 *
 * <p>A message is forgotten only once a session confirms it wrote it to the client ({@link Forget}),
 * so a crash or a disconnect in the middle loses none. Messages go to a session a page at a time, each page
 * within one cluster frame ({@link OfflinePages}).
 *
 * <p>A server notice ({@link Offline#serverNotice}: an admin's notice of an in-band registration, naming the
 * address it came from) waits its own, shorter retention: its text is in a notice-store row that expires
 * then, the journal holds only a marker ({@link NoticeStored}), see {@link MailboxNotices}.
 *
 * <p>Longer than most files, for a reason: the protocol's commands and events stay nested here because their
 * class names are what the journal (events) and the cluster's wire (commands) carry as manifests; moving them
 * would strand stored rows and break a rolling upgrade. Everything else lives beside it: the state
 * ({@link MailboxState}), its one timer ({@link MailboxTimer}), paging ({@link OfflinePages}) and the notices'
 * texts ({@link MailboxNotices}). ({@link Restore} and {@link Peek} serve XEP-0227 imports and exports.)
 */
public final class MailboxEntity
        extends JournaledEntity<MailboxEntity.Command, MailboxEntity.Event, MailboxState> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MailboxEntity.class);
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Mailbox");
    public static final String XEP_0160 = "msgoffline";
    /** A page of {@link Peek} stays well under the cluster's frame size. */
    static final int PAGE_WEIGHT = 200_000;

    public interface Command extends ClusterMessage {
    }

    /**
     * Keep this message, which arrived now, for the user. {@code copyKey} names the message when its sender may
     * ask again for the same one (the sending session and its sequence number): an ask that timed out while the
     * mailbox was busy may have stored it, and the copy asked again is then only answered, not stored twice.
     * Null: no key.
     */
    public record Store(Message message, ActorRef<StoreReply> replyTo, String copyKey) implements Command {
        public Store(Message message, ActorRef<StoreReply> replyTo) {
            this(message, replyTo, null);
        }
    }

    /**
     * Hand every waiting message, oldest first and stamped with its arrival (XEP-0203), to this
     * session, a page at a time: each page is as large as one cluster frame holds, and the next goes
     * once the session confirmed this one with {@link Forget} (it does once it wrote the page's last
     * message to its client).
     */
    public record DeliverTo(FullJid to, ActorRef<SessionMessage> session) implements Command {
    }

    /**
     * The session wrote the messages up to this id to its client: they are gone. A session that names itself
     * (and the resource it serves) gets the next page even from a mailbox that restarted since it sent this one.
     */
    public record Forget(long upToId, ActorRef<SessionMessage> session, FullJid to) implements Command {
        public Forget(long upToId) {
            this(upToId, null, null);
        }
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

    /**
     * A server notice waits until {@code expiresAt} (its own retention, shorter than a message's). Its text
     * is not here: it is in the notice store under {@code key}, in a row that expires with it.
     */
    public record NoticeStored(long id, String key, Instant arrivedAt, Instant expiresAt, int size) implements Event {
    }

    /** Notices whose time ended by this instant expired. */
    public record NoticesExpired(Instant at) implements Event {
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
                            RowEraser eraser, NoticeStore notices, NodeMetrics metrics) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(), settings, domain, clock, ctx.getShard(), eraser,
                notices, metrics))
            .withStopMessage(Stop.INSTANCE)
            // On the node of the account's UserEntity (same entity id, same shard id): stores and hand-overs stay local.
            .withAllocationStrategy(new CoLocatedShards(CoLocatedShards.REBALANCE_LIMIT)));
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return create(bareJid, settings, domain, clock, shard, RowEraser.NONE, NodeMetrics.discarding());
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser,
                                           NodeMetrics metrics) {
        return create(bareJid, settings, domain, clock, shard, eraser, new InMemoryNoticeStore(clock), metrics);
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser,
                                           NoticeStore notices) {
        return create(bareJid, settings, domain, clock, shard, eraser, notices, NodeMetrics.discarding());
    }

    public static Behavior<Command> create(String bareJid, MailboxSettings settings, String domain, Clock clock,
                                           ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser,
                                           NoticeStore notices, NodeMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new MailboxEntity(ctx, timers, bareJid, settings, domain, clock, shard, eraser, notices, metrics)));
    }

    private final ActorContext<Command> ctx;
    private final MailboxTimer timer;
    private final MailboxSettings settings;
    private final String domain;
    private final Clock clock;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final OfflinePages pages;
    private final MailboxNotices notices;
    /** Sessions that asked while the notices' texts were being read: served once they are. */
    private final List<DeliverTo> waitingForNotices = new ArrayList<>();
    private boolean readingNotices;
    private final RowEraser eraser;
    private final String persistenceId;
    /**
     * The copy keys of the messages stored in this incarnation, the newest {@link #RECENT_COPIES}: a copy asked
     * again is answered Stored without being stored twice. In memory only: a mailbox that restarted between a
     * timed-out ask and its copy stores the copy (the rare duplicate is the price of never losing one).
     */
    private final Map<String, Boolean> recentCopies = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_COPIES;
        }
    };
    static final int RECENT_COPIES = 4096;
    private final NodeMetrics metrics;

    /** A page not confirmed within this time is sent again when the session asks again. */
    static final Duration PAGE_TIMEOUT = OfflinePages.PAGE_TIMEOUT;

    /** A notice's text was written to its row (or not). */
    private record NoticeWritten(Store store, String key, Instant at, int size, Throwable failure) implements Command {
    }

    /** The notices' texts were read (or not). */
    private record NoticesRead(Map<String, byte[]> texts, Throwable failure) implements Command {
    }

    private MailboxEntity(ActorContext<Command> ctx, TimerScheduler<Command> timers, String bareJid,
                          MailboxSettings settings, String domain, Clock clock,
                          ActorRef<ClusterSharding.ShardCommand> shard, RowEraser eraser, NoticeStore noticeStore,
                          NodeMetrics metrics) {
        super(ctx, PersistenceId.of(KEY.name(), bareJid), NodeMetrics.EntityType.MAILBOX);
        this.timer = new MailboxTimer(timers, clock, settings);
        this.eraser = eraser;
        this.metrics = metrics;
        this.persistenceId = PersistenceId.of(KEY.name(), bareJid).id();
        this.ctx = ctx;
        this.settings = settings;
        this.domain = domain;
        this.clock = clock;
        this.shard = shard;
        this.pages = new OfflinePages(Frames.get(ctx.getSystem()), clock, domain);
        this.notices = new MailboxNotices(noticeStore, bareJid);
    }

    @Override
    protected SignalHandlerBuilder<MailboxState> signals(SignalHandlerBuilder<MailboxState> builder) {
        return builder.onSignal(RecoveryCompleted.instance(), timer::arm);
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
    public MailboxState emptyState() {
        return MailboxState.empty();
    }

    /** Shared by every mailbox: the event handlers hold nothing of an instance. */
    private static final EventHandler<MailboxState, Event> EVENTS = EventHandlerBuilder.<MailboxState, Event>builder()
        .forAnyState()
        .onEvent(MessageStored.class, MailboxState::plus)
        .onEvent(MessagesForgotten.class, (s, e) -> s.without(m -> m.id() <= e.upToId())
            .withoutNotices(n -> n.id() <= e.upToId()))
        .onEvent(MessagesExpired.class, (s, e) -> s.without(m -> !m.arrivedAt().isAfter(e.arrivedBefore())))
        .onEvent(MailboxCleared.class, (s, e) -> s.cleared())
        .onEvent(NoticeStored.class, MailboxState::plus)
        .onEvent(NoticesExpired.class, (s, e) -> s.withoutNotices(n -> !n.expiresAt().isAfter(e.at())))
        .build();

    /** Every mailbox's command handlers, built once (see {@link CommandTable}). */
    private static final CommandTable<MailboxEntity, Command, Event, MailboxState> COMMANDS =
        CommandTable.<MailboxEntity, Command, Event, MailboxState>builder()
            .on(Store.class, MailboxEntity::onStore)
            .on(Restore.class, MailboxEntity::onRestore)
            .on(Peek.class, MailboxEntity::onPeek)
            .on(DeliverTo.class, MailboxEntity::onDeliverTo)
            .on(Forget.class, MailboxEntity::onForget)
            .on(Clear.class, MailboxEntity::onClear)
            .on(MailboxTimer.Tick.class, MailboxEntity::onTick)
            .on(NoticeWritten.class, MailboxEntity::onNoticeWritten)
            .on(NoticesRead.class, MailboxEntity::onNoticesRead)
            .on(Stop.class, (m, s, c) -> m.Effect().stop())
            .build();

    @Override
    public EventHandler<MailboxState, Event> eventHandler() {
        return EVENTS;
    }

    @Override
    protected CommandHandler<Command, Event, MailboxState> commands() {
        return COMMANDS.handlerFor(this);
    }

    private Effect<Event, MailboxState> onClear(MailboxState s, Clear c) {
        return Effect().persist(new MailboxCleared(clock.instant()))
            .thenRun(st -> notices.erase())
            .thenRun(st -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
            .thenReply(c.replyTo(), st -> new Cleared());
    }

    private Effect<Event, MailboxState> onTick(MailboxState s, MailboxTimer.Tick c) {
        // Passivates when unused: an idle mailbox keeps no node busy (expiry does not need it).
        if (timer.idle()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        timer.arm(s);
        return expire(s);
    }

    private Effect<Event, MailboxState> onStore(MailboxState s, Store c) {
        if (c.copyKey() != null && recentCopies.containsKey(c.copyKey())) {
            return Effect().reply(c.replyTo(), new StoreReply.Stored());
        }
        return store(s, c, c.message(), clock.instant().truncatedTo(ChronoUnit.MILLIS), c.replyTo(), c.copyKey());
    }

    /** An imported message is stored as a message, never as a server notice. */
    private Effect<Event, MailboxState> onRestore(MailboxState s, Restore c) {
        if (!c.arrivedAt().isAfter(clock.instant().minus(settings.retention()))) {
            return Effect().reply(c.replyTo(), new StoreReply.Refused("item-not-found"));
        }
        return store(s, null, c.message(), c.arrivedAt().truncatedTo(ChronoUnit.MILLIS), c.replyTo(), null);
    }

    /** {@code request}: the Store, when a server notice may be among what comes (null for an import). */
    private Effect<Event, MailboxState> store(MailboxState s, Store request, Message m, Instant arrivedAt,
                                       ActorRef<StoreReply> replyTo, String copyKey) {
        Instant now = clock.instant();
        MailboxState live = s.live(now, settings.retention());
        int size = m.toElement(Ns.CLIENT).weight();
        if (live.count() >= settings.maxMessages() || live.bytes() + size > settings.maxBytes()) {
            return Effect().reply(replyTo, new StoreReply.Refused("resource-constraint"));
        }
        timer.active();
        timer.expiryDue();
        if (request != null && Offline.serverNotice(m)) {
            return storeNotice(request, arrivedAt, size);
        }
        // The id is the event's sequence number: it keeps growing even after rows are erased.
        long id = Math.max(s.nextId(), lastSequenceNumber(ctx) + 1);
        return Effect().persist(new MessageStored(id, m, arrivedAt, size))
            .thenRun(st -> {
                metrics.offlineStored();
                if (copyKey != null) {
                    recentCopies.put(copyKey, Boolean.TRUE);
                }
            })
            .thenReply(replyTo, st -> new StoreReply.Stored());
    }

    /** A page of what waits, within a weight that keeps the reply small. */
    private Effect<Event, MailboxState> onPeek(MailboxState s, Peek c) {
        return Effect().reply(c.replyTo(),
            OfflinePages.peek(s.unexpired(clock.instant(), settings.retention()), c.afterId(), PAGE_WEIGHT));
    }

    /**
     * A server notice from this server: its text goes to a row of its own that expires after the notice
     * retention; once it is written, the journal gets a marker without the text.
     */
    private Effect<Event, MailboxState> storeNotice(Store c, Instant now, int size) {
        if (!c.message().from().toString().equals(domain)) {
            return Effect().reply(c.replyTo(), new StoreReply.Refused("not-acceptable"));
        }
        String key = java.util.UUID.randomUUID().toString();
        ctx.pipeToSelf(notices.write(key, c.message(), settings.noticeRetention()),
            (v, e) -> new NoticeWritten(c, key, now, size, e));
        return Effect().none();
    }

    private Effect<Event, MailboxState> onNoticeWritten(MailboxState s, NoticeWritten w) {
        if (w.failure() != null) {
            log.warn("a notice could not be stored: {}", w.failure().getClass().getSimpleName());
            return Effect().reply(w.store().replyTo(), new StoreReply.Refused("internal-server-error"));
        }
        notices.written(w.key(), w.store().message());
        long id = Math.max(s.nextId(), lastSequenceNumber(ctx) + 1);
        return Effect().persist(new NoticeStored(id, w.key(), w.at(), w.at().plus(settings.noticeRetention()), w.size()))
            .thenReply(w.store().replyTo(), st -> new StoreReply.Stored());
    }

    private Effect<Event, MailboxState> onDeliverTo(MailboxState s, DeliverTo c) {
        timer.active();
        long start = pages.startFor(c.session());
        if (start < 0) {
            // A page is on its way; what is newer follows it once it is confirmed.
            return expire(s);
        }
        List<NoticeStored> live = s.liveNotices(clock.instant());
        if (!notices.ready(live.stream().map(NoticeStored::key).toList())) {
            waitingForNotices.add(c);
            if (!readingNotices) {
                readingNotices = true;
                ctx.pipeToSelf(notices.load(), NoticesRead::new);
            }
            return expire(s);
        }
        pages.send(entries(s), c.to(), c.session(), start);
        if (s.waiting().isEmpty() && s.notices().isEmpty() && pages.idle() && waitingForNotices.isEmpty()
                && recentCopies.isEmpty()) {
            // Nothing waits: the login's look is all an empty mailbox was started for, so it leaves memory now rather
            // than at its idle timeout (a Store meanwhile waits in the shard and starts it again). One that stored a
            // copy keeps its memory of it for a Store asked again (recentCopies) until then.
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return expire(s);
    }

    private Effect<Event, MailboxState> onNoticesRead(MailboxState s, NoticesRead r) {
        readingNotices = false;
        if (r.failure() != null) {
            log.warn("the notices of a mailbox could not be read: {}", r.failure().getClass().getSimpleName());
            // The messages go anyway; the notices wait for the next time the user comes online.
            notices.loaded(Map.of());
        } else {
            notices.loaded(r.texts());
        }
        List<DeliverTo> waiting = new ArrayList<>(waitingForNotices);
        waitingForNotices.clear();
        for (DeliverTo c : waiting) {
            long start = pages.startFor(c.session());
            if (start >= 0) {
                pages.send(entries(s), c.to(), c.session(), start);
            }
        }
        return Effect().none();
    }

    /** What waits now, messages and notices with their text, oldest first. */
    private List<OfflinePages.Entry> entries(MailboxState s) {
        return notices.entries(s, clock.instant(), settings.retention());
    }

    private Effect<Event, MailboxState> onForget(MailboxState s, Forget c) {
        timer.active();
        long upTo = c.upToId();
        int delivered = (int) s.waiting().stream().filter(m -> m.id() <= upTo).count();
        boolean any = delivered > 0 || s.notices().stream().anyMatch(n -> n.id() <= upTo);
        // The session that confirmed this page gets the next one (sessions confirm pages by their last id).
        List<Map.Entry<ActorRef<SessionMessage>, FullJid>> next = pages.confirmedBy(upTo, c.session(), c.to());
        if (!any) {
            next.forEach(e -> pages.send(entries(s), e.getValue(), e.getKey(), upTo));
            return Effect().none();
        }
        List<String> noticeKeys = s.notices().stream().filter(n -> n.id() <= upTo).map(NoticeStored::key).toList();
        // Every event up to the last delivered message is about messages that are gone (delivered or
        // expired): their rows are erased now rather than at their expiry.
        return Effect().persist(new MessagesForgotten(upTo)).thenRun(st -> {
            metrics.offlineDelivered(delivered);
            eraser.eraseUpTo(persistenceId, upTo);
            noticeKeys.forEach(notices::forget);
            next.forEach(e -> pages.send(entries(st), e.getValue(), e.getKey(), upTo));
        });
    }

    private Effect<Event, MailboxState> expire(MailboxState s) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(settings.retention());
        List<Event> events = new ArrayList<>(2);
        if (s.waiting().stream().anyMatch(m -> !m.arrivedAt().isAfter(cutoff))) {
            events.add(new MessagesExpired(cutoff));
        }
        List<String> ended = s.notices().stream().filter(n -> !n.expiresAt().isAfter(now)).map(NoticeStored::key).toList();
        if (!ended.isEmpty()) {
            events.add(new NoticesExpired(now));
        }
        return events.isEmpty() ? Effect().none()
            : Effect().persist(events).thenRun(st -> ended.forEach(notices::forget));
    }
}
