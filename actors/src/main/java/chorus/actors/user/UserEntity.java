package chorus.actors.user;

import chorus.actors.Journaled;
import chorus.actors.ClusterMessage;
import chorus.actors.account.Credentials;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountView;
import chorus.actors.feature.Features;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.blocking.BlockRules;
import chorus.actors.feature.blocking.BlockingHandler;
import chorus.actors.feature.blocking.BlocklistChanged;
import chorus.actors.feature.caps.CapsCache;
import chorus.actors.feature.last.LastActivityHandler;
import chorus.actors.feature.mam.MamHandler;
import chorus.actors.feature.mam.MamPrefs;
import chorus.actors.feature.mam.MamPrefsSet;
import chorus.actors.feature.mam.MamSettings;
import chorus.actors.feature.pep.PepEvent;
import chorus.actors.feature.pep.PepHandler;
import chorus.actors.feature.pep.PepNode;
import chorus.actors.feature.privatedata.PrivateStored;
import chorus.actors.feature.roster.Roster;
import chorus.actors.feature.vcard.VCardStored;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.mailbox.Offline;
import chorus.actors.feature.roster.RosterHandler;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.router.StanzaRouter;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.AccountDirectory;
import chorus.persistence.archive.ArchiveStore;
import chorus.persistence.archive.InMemoryArchiveStore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One per account (bare JID), placed by Cluster Sharding. The account state (credentials, roster) is
 * event-sourced; the online resources are live state beside it, rebuilt when sessions bind again.
 * Applies the RFC 6121 rules for presence, subscriptions and delivery.
 */
public final class UserEntity extends EventSourcedBehavior<UserEntity.Command, AccountEvent, UserEntity.State> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "User");

    // ---- protocol ----

    public interface Command extends ClusterMessage {
    }

    /** Creates the account; fails with "conflict" when it exists. */
    public record CreateAccount(Credentials credentials, ActorRef<AccountReply> replyTo) implements Command {
    }

    public record ChangePassword(Credentials credentials, ActorRef<AccountReply> replyTo) implements Command {
    }

    /** Removes the account: contacts are unsubscribed, sessions closed, the state emptied. */
    public record RemoveAccount(ActorRef<AccountReply> replyTo) implements Command {
    }

    public record GetCredentials(ActorRef<CredentialsReply> replyTo) implements Command {
    }

    /**
     * A session asks to bind this resource. When another session holds it, kickOld ends that one
     * (conflict), otherwise this request is refused with conflict (RFC 6120 §7.7.2.2).
     *
     * <p>A session whose entity stopped (moved to another node, or restarted) binds again with what
     * the entity knew of it: its last available presence (null if none) and whether it asked for the
     * roster. The entity takes that back silently, without broadcasting anything.
     */
    public record Bind(String resource, ActorRef<SessionMessage> session, boolean kickOld, Presence presence,
                       boolean interested, ActorRef<BindReply> replyTo) implements Command {
        public static Bind fresh(String resource, ActorRef<SessionMessage> session, boolean kickOld,
                                 ActorRef<BindReply> replyTo) {
            return new Bind(resource, session, kickOld, null, false, replyTo);
        }
    }

    /** A session ended. */
    public record Unbind(String resource, ActorRef<SessionMessage> session, long epoch, long ackedUpTo)
        implements Command {
        public Unbind(String resource, ActorRef<SessionMessage> session) {
            this(resource, session, 0, 0);
        }
    }

    /** XEP-0198: the session's stream may be resumed with this id. */
    public record Resumable(String resource, ActorRef<SessionMessage> session, String id) implements Command {
    }

    /**
     * XEP-0198 §5: a new stream of this account resumes the session its client was given {@code id} for.
     * The resource, its presence and its unacknowledged messages pass to {@code session} silently; the old
     * session is told to hand over the rest. Unknown ids are refused with item-not-found.
     */
    public record Resume(String id, ActorRef<SessionMessage> session, ActorRef<BindReply> replyTo) implements Command {
    }

    /** The session wrote the tracked messages up to this sequence number of this epoch. */
    public record SessionAck(String resource, long epoch, long upToSeq) implements Command {
    }

    /** A stanza sent by one of this account's own sessions that the account handles (presence, own IQs). */
    public record FromClient(Stanza stanza) implements Command {
    }

    /** A message one of this account's sessions sent to someone else, for the account's archive (XEP-0313). */
    public record Sent(Message message) implements Command {
    }

    /** A stanza addressed to this account or one of its resources. */
    public record Deliver(Stanza stanza, ActorRef<SessionMessage> ackTo, long seq) implements Command {
        /** Fire and forget: a stanza of the server's own, or from another entity. */
        public Deliver(Stanza stanza) {
            this(stanza, null, 0);
        }
    }

    /** Sent by sharding to stop the entity at passivation or rebalance. */
    public enum Stop implements Command { INSTANCE }

    private record SessionGone(String resource, ActorRef<SessionMessage> session) implements Command {
    }

    /** A session's death notice, settled after {@link #SESSION_GONE_GRACE} without its last words. */
    private record SessionGoneSettled(String resource, ActorRef<SessionMessage> session) implements Command {
    }

    /**
     * How long a death notice waits for the session's last words: its unavailable presence and its Unbind
     * (with what it wrote) travel through the shard region and can arrive after the notice.
     */
    static final Duration SESSION_GONE_GRACE = Duration.ofSeconds(1);

    private enum Idle implements Command { INSTANCE }

    private record StoreResult(Message message, MailboxEntity.StoreReply reply, Throwable failure, Sender ack)
        implements Command {
    }

    public sealed interface AccountReply extends ClusterMessage {
        record Done() implements AccountReply {
        }

        /** condition: "conflict" (exists), "item-not-found" (no such account). */
        record Failed(String condition) implements AccountReply {
        }
    }

    /** The stored credentials, or null when there is no such account. */
    public record CredentialsReply(Credentials credentials) implements ClusterMessage {
    }

    public sealed interface BindReply extends ClusterMessage {
        /** Bound; the session watches {@code entity} and binds again when it stops. */
        record Bound(FullJid jid, ActorRef<Command> entity) implements BindReply {
        }

        /** condition: a stanza error condition name, e.g. "conflict" or "not-allowed". */
        record Refused(String condition) implements BindReply {
        }
    }

    // ---- events and state ----

    /** The entity's own events; features add theirs (all are {@link AccountEvent}s). */
    public interface Event extends AccountEvent {
    }

    public record AccountCreated(Credentials credentials, Instant at) implements Event {
    }

    public record PasswordChanged(Credentials credentials, Instant at) implements Event {
    }

    public record AccountRemoved(Instant at) implements Event {
    }

    public record RosterItemSet(RosterItem item) implements Event {
    }

    public record RosterItemRemoved(Jid jid) implements Event {
    }

    /** The user's last resource went offline (XEP-0012). */
    public record WentOffline(Instant at) implements Event {
    }

    /**
     * The persisted account. No credentials means no account. The feature data (vCard, private XML,
     * block list, last activity, PEP nodes) is kept here too, so removing the account removes all of it.
     */
    public record State(Credentials credentials, Roster roster, Element vcard, Map<String, Element> privateData,
                        List<Jid> blocked, Instant lastSeen, Map<String, PepNode> pep, MamPrefs mamPrefs)
        implements ClusterMessage {
        public State {
            privateData = privateData == null ? Map.of() : Map.copyOf(privateData);
            blocked = blocked == null ? List.of() : List.copyOf(blocked);
            // Insertion order kept: disco#items lists the nodes in the order they were created.
            pep = pep == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pep));
        }

        public static State empty() {
            return new State(null, Roster.empty(), null, Map.of(), List.of(), null, Map.of(), null);
        }

        public boolean exists() {
            return credentials != null;
        }

        State withCredentials(Credentials c) {
            return new State(c, roster, vcard, privateData, blocked, lastSeen, pep, mamPrefs);
        }

        State withRoster(Roster r) {
            return new State(credentials, r, vcard, privateData, blocked, lastSeen, pep, mamPrefs);
        }

        State withVcard(Element v) {
            return new State(credentials, roster, v, privateData, blocked, lastSeen, pep, mamPrefs);
        }

        State withPrivate(String key, Element data) {
            Map<String, Element> m = new java.util.HashMap<>(privateData);
            if (data.children().isEmpty() && data.attrs().isEmpty()) {
                m.remove(key);
            } else {
                m.put(key, data);
            }
            return new State(credentials, roster, vcard, m, blocked, lastSeen, pep, mamPrefs);
        }

        State withBlocked(List<Jid> b) {
            return new State(credentials, roster, vcard, privateData, b, lastSeen, pep, mamPrefs);
        }

        State withPep(Map<String, PepNode> nodes) {
            return new State(credentials, roster, vcard, privateData, blocked, lastSeen, nodes, mamPrefs);
        }

        State withLastSeen(Instant at) {
            return new State(credentials, roster, vcard, privateData, blocked, at, pep, mamPrefs);
        }

        State withMamPrefs(MamPrefs p) {
            return new State(credentials, roster, vcard, privateData, blocked, lastSeen, pep, p);
        }

        /** What the account's features may read; {@code online} comes from the live sessions. */
        public AccountView view(boolean online) {
            State s = this;
            return new AccountView() {
                @Override
                public java.util.Optional<Element> vcard() {
                    return java.util.Optional.ofNullable(s.vcard);
                }

                @Override
                public Map<String, Element> privateData() {
                    return s.privateData;
                }

                @Override
                public java.util.Set<Jid> blocklist() {
                    return new java.util.LinkedHashSet<>(s.blocked);
                }

                @Override
                public Instant lastSeen() {
                    return s.lastSeen;
                }

                @Override
                public Map<String, PepNode> pep() {
                    return s.pep;
                }

                @Override
                public MamPrefs mamPrefs() {
                    return s.mamPrefs;
                }

                @Override
                public boolean online() {
                    return online;
                }
            };
        }

        @Override
        public String toString() {
            return "UserState[" + (exists() ? "account" : "none") + ", " + roster + "]";
        }
    }

    // ---- wiring ----

    /** What every entity needs from its node. */
    public record Deps(DomainJid domain, StanzaRouter router, Features accountFeatures, Clock clock,
                       UserSettings settings, AccountDirectory directory,
                       Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, DeliveryFailures failures,
                       CapsCache caps, MamSettings mamSettings, ArchiveStore archive) {
        /** With the default archive settings and an archive in memory. */
        public Deps(DomainJid domain, StanzaRouter router, Features accountFeatures, Clock clock,
                    UserSettings settings, AccountDirectory directory,
                    Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, DeliveryFailures failures,
                    CapsCache caps) {
            this(domain, router, accountFeatures, clock, settings, directory, mailboxes, failures, caps,
                MamSettings.defaults(), new InMemoryArchiveStore(clock, MamSettings.defaults().retention()));
        }

        /** With a caps cache of its own (one per node is the point: pass one to share). */
        public Deps(DomainJid domain, StanzaRouter router, Features accountFeatures, Clock clock,
                    UserSettings settings, AccountDirectory directory,
                    Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, DeliveryFailures failures) {
            this(domain, router, accountFeatures, clock, settings, directory, mailboxes, failures, new CapsCache());
        }
    }

    private static final BlockingHandler BLOCKING = new BlockingHandler();

    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(org.apache.pekko.cluster.sharding.typed.javadsl.Entity.of(KEY,
                ctx -> create(ctx.getEntityId(), deps, ctx.getShard()))
            .withStopMessage(Stop.INSTANCE));
    }

    public static Behavior<Command> create(String bareJid, Deps deps,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> new UserEntity(ctx, BareJid.parseBare(bareJid), deps, shard));
    }

    private final ActorContext<Command> ctx;
    private final BareJid jid;
    private final Deps deps;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Map<String, LiveSession> sessions = new LinkedHashMap<>();
    private final PresenceLogic presence;
    private final PepHandler pepHandler;
    private final PepLogic pep;
    private final ArchiveLogic archive;
    /** Large messages to sessions go in cluster frames; large commands come in them (see chorus.actors.cluster). */
    private final chorus.actors.cluster.Frames frames;
    private final chorus.actors.cluster.FrameAssembly framed;

    private UserEntity(ActorContext<Command> ctx, BareJid jid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(PersistenceId.of(KEY.name(), jid.toString()),
            Journaled.RESTART_ON_JOURNAL_FAILURE);
        this.ctx = ctx;
        this.jid = jid;
        this.deps = deps;
        this.shard = shard;
        this.presence = new PresenceLogic(jid, sessions, deps.router(), deps.settings().rosterLimits());
        this.pepHandler = new PepHandler(deps.settings().pepLimits());
        this.pep = new PepLogic(jid, deps.router(), deps.caps());
        this.archive = new ArchiveLogic(ctx, jid, deps);
        this.frames = chorus.actors.cluster.Frames.get(ctx.getSystem());
        this.framed = new chorus.actors.cluster.FrameAssembly(ctx.getSystem());
        armIdleTimer();
    }

    @Override
    public State emptyState() {
        return State.empty();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        int every = deps.settings().snapshotEvery();
        return every > 0 ? RetentionCriteria.snapshotEvery(every, 2) : RetentionCriteria.disabled();
    }

    @Override
    public EventHandler<State, AccountEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
            .onEvent(AccountCreated.class, (s, e) -> State.empty().withCredentials(e.credentials()))
            .onEvent(PasswordChanged.class, (s, e) -> s.withCredentials(e.credentials()))
            .onEvent(AccountRemoved.class, (s, e) -> State.empty())
            .onEvent(RosterItemSet.class, (s, e) -> s.withRoster(s.roster().put(e.item())))
            .onEvent(RosterItemRemoved.class, (s, e) -> s.withRoster(s.roster().remove(e.jid())))
            .onEvent(WentOffline.class, (s, e) -> s.withLastSeen(e.at()))
            .onEvent(VCardStored.class, (s, e) -> s.withVcard(e.vcard().children().isEmpty() ? null : e.vcard()))
            .onEvent(PrivateStored.class, (s, e) -> s.withPrivate(e.key(), e.data()))
            .onEvent(BlocklistChanged.class, (s, e) -> s.withBlocked(e.blocked()))
            .onEvent(PepEvent.class, (s, e) -> s.withPep(e.applyTo(s.pep())))
            .onEvent(MamPrefsSet.class, (s, e) -> s.withMamPrefs(e.prefs()))
            .build();
    }

    @Override
    public CommandHandler<Command, AccountEvent, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
            .onCommand(CreateAccount.class, this::onCreate)
            .onCommand(ChangePassword.class, this::onChangePassword)
            .onCommand(RemoveAccount.class, this::onRemove)
            .onCommand(GetCredentials.class, (s, c) -> Effect().reply(c.replyTo(), new CredentialsReply(s.credentials())))
            .onCommand(Bind.class, this::onBind)
            .onCommand(Unbind.class, (s, c) -> onSessionEnd(s, c.resource(), c.session(), c.epoch(), c.ackedUpTo()))
            .onCommand(SessionGone.class, this::onSessionGone)
            .onCommand(SessionGoneSettled.class, (s, c) -> onSessionEnd(s, c.resource(), c.session(), 0, 0))
            .onCommand(SessionAck.class, (s, c) -> {
                LiveSession ls = sessions.get(c.resource());
                if (ls != null) {
                    ls.acked(c.epoch(), c.upToSeq());
                }
                return Effect().none();
            })
            .onCommand(Resumable.class, (s, c) -> {
                LiveSession ls = sessions.get(c.resource());
                if (ls != null && ls.ref.equals(c.session())) {
                    ls.resumeId = c.id();
                }
                return Effect().none();
            })
            .onCommand(Resume.class, this::onResume)
            .onCommand(FromClient.class, this::onFromClient)
            .onCommand(Deliver.class, this::onDeliver)
            .onCommand(Idle.class, this::onIdle)
            .onCommand(StoreResult.class, this::onStoreResult)
            .onCommand(Sent.class, (s, c) -> {
                archive.outgoing(s, c.message());
                return Effect().none();
            })
            .onCommand(ArchiveLogic.Written.class, (s, c) -> {
                archive.onWritten(c);
                return Effect().none();
            })
            .onCommand(ArchiveLogic.Counted.class, (s, c) -> {
                archive.onCounted(c);
                return Effect().none();
            })
            .onCommand(ArchiveLogic.Answered.class, (s, c) -> {
                archive.onAnswered(c);
                return Effect().none();
            })
            .onCommand(Stop.class, (s, c) -> Effect().stop())
            .onCommand(FramedCommand.class, (s, c) -> framed.accept(c.frame())
                .map(whole -> commandHandler().apply(s, (Command) whole)).orElseGet(() -> Effect().none()))
            .build();
    }

    // ---- account ----

    private Effect<AccountEvent, State> onCreate(State s, CreateAccount c) {
        if (s.exists()) {
            return Effect().reply(c.replyTo(), new AccountReply.Failed("conflict"));
        }
        return Effect().persist(new AccountCreated(c.credentials(), deps.clock().instant()))
            .thenRun(st -> deps.directory().add(jid.toString()))
            .thenReply(c.replyTo(), st -> new AccountReply.Done());
    }

    private Effect<AccountEvent, State> onChangePassword(State s, ChangePassword c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), new AccountReply.Failed("item-not-found"));
        }
        return Effect().persist(new PasswordChanged(c.credentials(), deps.clock().instant()))
            .thenReply(c.replyTo(), st -> new AccountReply.Done());
    }

    private Effect<AccountEvent, State> onRemove(State s, RemoveAccount c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), new AccountReply.Failed("item-not-found"));
        }
        // RFC 6121 §2.5.2 applied to every contact: they learn the subscriptions are gone.
        for (RosterItem item : s.roster().items().values()) {
            presence.unsubscribeBoth(item);
        }
        List<LiveSession> closing = new ArrayList<>(sessions.values());
        for (LiveSession ls : closing) {
            ctx.unwatch(ls.ref);
        }
        sessions.clear();
        pep.clear();
        archive.erase();
        armIdleTimer();
        // The entity leaves memory so that its journal can be erased (the node's AccountService does
        // that next, with the mailbox's); a later message starts it again, empty.
        return Effect().persist(new AccountRemoved(deps.clock().instant()))
            .thenRun(st -> deps.directory().remove(jid.toString()))
            .thenRun(st -> closing.forEach(ls -> ls.ref.tell(new SessionMessage.Close("not-authorized", "account removed"))))
            .thenRun(st -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
            .thenReply(c.replyTo(), st -> new AccountReply.Done());
    }

    // ---- sessions ----

    private Effect<AccountEvent, State> onBind(State s, Bind c) {
        if (!s.exists()) {
            return Effect().reply(c.replyTo(), new BindReply.Refused("not-authorized"));
        }
        FullJid full;
        try {
            full = jid.withResource(c.resource());
        } catch (IllegalArgumentException e) {
            return Effect().reply(c.replyTo(), new BindReply.Refused("bad-request"));
        }
        LiveSession old = sessions.get(full.resource());
        LiveSession replaced = null;
        if (old != null && !old.ref.equals(c.session()) && !c.kickOld()) {
            return Effect().reply(c.replyTo(), new BindReply.Refused("conflict"));
        }
        if (old != null && !old.ref.equals(c.session())) {
            // RFC 6120 §7.7.2.2: the newer session wins; the older one is told why it ends.
            ctx.unwatch(old.ref);
            sessions.remove(full.resource());
            presence.resourceGone(s, old);
            pep.gone(old.jid);
            old.ref.tell(new SessionMessage.Close("conflict", "replaced by a new connection"));
            replaced = old;
        }
        boolean fresh = old == null || !old.ref.equals(c.session());
        LiveSession ls = fresh ? new LiveSession(full, c.session(), frames) : old;
        if (c.presence() != null) {
            ls.presence = c.presence().withFromTo(full, null);
            if (ls.available()) {
                // Known again, silently: the resource had its last items before the entity moved.
                pep.available(s, full, ls.presence, false);
            }
            if (fresh && ls.available() && ls.priority() >= 0) {
                // A session binding again (this entity restarted elsewhere) was available already: what the
                // mailbox took while it was away (in the moments before it rebound) reaches it now.
                availableForOffline(ls);
            }
        }
        ls.interested |= c.interested();
        sessions.put(full.resource(), ls);
        ctx.watchWith(c.session(), new SessionGone(full.resource(), c.session()));
        ctx.cancelReceiveTimeout();
        if (!s.blocked().isEmpty()) {
            c.session().tell(new SessionMessage.Blocklist(s.blocked()));
        }
        Effect<AccountEvent, State> bound = Effect().reply(c.replyTo(), new BindReply.Bound(full, ctx.getSelf()));
        if (replaced != null) {
            // What the replaced session never wrote goes to the new one (or wherever the rules say).
            for (LiveSession.Tracked t : replaced.unacked) {
                deliverMessage(t.message(), new Sender(t.ackTo(), t.ackSeq()));
            }
            replaced.unacked.clear();
        }
        return bound;
    }

    private Effect<AccountEvent, State> onResume(State s, Resume c) {
        LiveSession ls = null;
        for (LiveSession l : sessions.values()) {
            if (c.id() != null && c.id().equals(l.resumeId)) {
                ls = l;
            }
        }
        if (ls == null || !s.exists()) {
            return Effect().reply(c.replyTo(), new BindReply.Refused("item-not-found"));
        }
        ActorRef<SessionMessage> old = ls.ref;
        if (!old.equals(c.session())) {
            // Deliveries to the old session before this point reach it before the hand-over request (one
            // sender, one receiver: ordered), so it hands over everything it was given.
            ctx.unwatch(old);
            ls.ref = c.session();
            ctx.watchWith(c.session(), new SessionGone(ls.jid.resource(), c.session()));
            old.tell(new SessionMessage.HandOver(c.session()));
        }
        return Effect().reply(c.replyTo(), new BindReply.Bound(ls.jid, ctx.getSelf()));
    }

    /**
     * A session stopped. Its last presence and its Unbind may still be on their way (they take the shard
     * region's path, the death notice does not); they settle its end if they come within the grace, else
     * it ends without them: nothing it held is lost either way, only the last status would be.
     */
    private Effect<AccountEvent, State> onSessionGone(State s, SessionGone c) {
        LiveSession ls = sessions.get(c.resource());
        if (ls != null && ls.ref.equals(c.session())) {
            ctx.scheduleOnce(SESSION_GONE_GRACE, ctx.getSelf(), new SessionGoneSettled(c.resource(), c.session()));
        }
        return Effect().none();
    }

    private Effect<AccountEvent, State> onSessionEnd(State s, String resource, ActorRef<SessionMessage> ref,
                                                     long epoch, long ackedUpTo) {
        LiveSession ls = sessions.get(resource);
        if (ls == null || !ls.ref.equals(ref)) {
            return Effect().none();
        }
        boolean wasAvailable = anyAvailable();
        sessions.remove(resource);
        ctx.unwatch(ref);
        presence.resourceGone(s, ls);
        pep.gone(ls.jid);
        // Messages the session never said it wrote go where they would go now: another resource, or
        // the mailbox. Nothing handed to a session that died is silently lost.
        ls.acked(epoch, ackedUpTo);
        for (LiveSession.Tracked t : ls.unacked) {
            deliverMessage(t.message(), new Sender(t.ackTo(), t.ackSeq()));
        }
        ls.unacked.clear();
        armIdleTimer();
        if (s.exists() && wasAvailable && !anyAvailable()) {
            // XEP-0012: when the user was last available, for contacts who ask.
            return Effect().persist(new WentOffline(deps.clock().instant()));
        }
        return Effect().none();
    }

    boolean anyAvailable() {
        for (LiveSession l : sessions.values()) {
            if (l.available()) {
                return true;
            }
        }
        return false;
    }

    private void armIdleTimer() {
        if (sessions.isEmpty()) {
            ctx.setReceiveTimeout(deps.settings().idleTimeout(), Idle.INSTANCE);
        }
    }

    private Effect<AccountEvent, State> onIdle(State s, Idle c) {
        if (sessions.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return Effect().none();
    }

    // ---- stanzas from the account's own sessions ----

    private Effect<AccountEvent, State> onFromClient(State s, FromClient c) {
        Stanza st = c.stanza();
        if (!(st.from() instanceof FullJid from) || !sessions.containsKey(from.resource())) {
            return Effect().none();
        }
        LiveSession sender = sessions.get(from.resource());
        if (st instanceof Presence p) {
            if (p.to() == null && p.type() == Presence.Type.AVAILABLE) {
                pep.available(s, sender.jid, p, true);
            } else if (p.to() == null && p.type() == Presence.Type.UNAVAILABLE) {
                pep.gone(sender.jid);
            }
            return presence.outbound(this, s, sender, p);
        }
        if (st instanceof Iq iq) {
            return ownIq(s, sender, iq);
        }
        // Messages from the user to its own bare JID come here through the router as Deliver.
        deps.router().route(st);
        return Effect().none();
    }

    private Effect<AccountEvent, State> ownIq(State s, LiveSession sender, Iq iq) {
        if (!iq.isRequest()) {
            // The answer of one of the user's resources to the account's disco#info (XEP-0115).
            pep.answer(s, iq);
            return Effect().none();
        }
        if (pepHandler.owns(iq)) {
            return onPep(s, iq, IqContext.Relation.SELF);
        }
        if (RosterHandler.owns(iq)) {
            return RosterIq.handle(this, s, sender, iq);
        }
        if (MamHandler.isQuery(iq)) {
            archive.query(sender, iq);
            return Effect().none();
        }
        if (BLOCKING.owns(iq)) {
            return onBlocking(s, sender, iq);
        }
        return answer(s, iq, IqContext.Relation.SELF);
    }

    /** Answers an IQ addressed to the account through the account features. */
    private Effect<AccountEvent, State> answer(State s, Iq iq, IqContext.Relation relation) {
        IqResult r = deps.accountFeatures().dispatch(iq,
            new IqContext(deps.domain(), deps.clock(), jid, relation, s.view(anyAvailable())));
        if (r instanceof IqResult.Reply reply) {
            send(reply.reply());
            return Effect().none();
        }
        IqResult.PersistThenReply p = (IqResult.PersistThenReply) r;
        List<AccountEvent> events = new ArrayList<>();
        for (Object e : p.events()) {
            events.add((AccountEvent) e);
        }
        return Effect().persist(events).thenRun(st -> send(p.reply()));
    }

    /** XEP-0163: the request's events persist, the answer goes back, then the notification to who wants it. */
    private Effect<AccountEvent, State> onPep(State s, Iq iq, IqContext.Relation relation) {
        PepHandler.Outcome o = pepHandler.decide(iq,
            new IqContext(deps.domain(), deps.clock(), jid, relation, s.view(anyAvailable())));
        return effects().persistThen(new ArrayList<>(o.events()), after -> {
            send(o.reply());
            o.notification().ifPresent(n -> pep.notify(after, n));
        });
    }

    // ---- stanzas addressed to the account ----

    /** XEP-0191: the block list changes; pushes, presence and the answer follow the change. */
    private Effect<AccountEvent, State> onBlocking(State s, LiveSession sender, Iq iq) {
        BlockingHandler.Outcome o = BLOCKING.decide(iq, new IqContext(deps.domain(), deps.clock(), jid,
            IqContext.Relation.SELF, s.view(anyAvailable())));
        if (o.fetched()) {
            sender.blocklistInterested = true;
        }
        List<AccountEvent> events = o.event().<List<AccountEvent>>map(List::of).orElse(List.of());
        return effects().persistThen(events, after -> {
            for (LiveSession ls : sessions.values()) {
                if (ls.blocklistInterested) {
                    o.pushTo(ls.jid, "block-" + deps.clock().millis()).ifPresent(push -> ls.tell(new SessionMessage.Deliver(push)));
                }
            }
            List<Jid> subscribers = new ArrayList<>();
            for (RosterItem item : after.roster().items().values()) {
                if (item.subscription().hasFrom()) {
                    subscribers.add(item.jid());
                }
            }
            for (Jid hide : o.presenceToHide(subscribers)) {
                for (LiveSession ls : sessions.values()) {
                    if (ls.available()) {
                        deps.router().route(Presence.of(ls.jid, hide, Presence.Type.UNAVAILABLE));
                    }
                }
            }
            for (Jid reveal : o.presenceToReveal(subscribers)) {
                for (LiveSession ls : sessions.values()) {
                    if (ls.available()) {
                        deps.router().route(ls.presence.withFromTo(ls.jid, reveal));
                    }
                }
            }
            if (o.event().isPresent()) {
                tellBlocklist(after);
            }
            sender.tell(new SessionMessage.Deliver(o.reply()));
        });
    }

    /** Sessions refuse stanzas to blocked addresses themselves (XEP-0191 §3.3): they get the list. */
    private void tellBlocklist(State s) {
        for (LiveSession ls : sessions.values()) {
            ls.ref.tell(new SessionMessage.Blocklist(s.blocked()));
        }
    }

    /** Whether the account blocks this sender (never the account's own addresses, XEP-0191 §5). */
    boolean blocks(State s, Jid from) {
        return from != null && !s.blocked().isEmpty() && !from.bare().equals(jid) && BlockRules.blocks(s.blocked(), from);
    }

    /**
     * The sequence numbers each sending session recently had accepted here, so a copy sent again is only
     * acknowledged. A set, not a high-water mark: after a failover, copies arrive out of order.
     */
    private final Map<ActorRef<SessionMessage>, java.util.TreeSet<Long>> accepted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ActorRef<SessionMessage>, java.util.TreeSet<Long>> eldest) {
            return size() > 10_000;
        }
    };
    private static final int ACCEPTED_WINDOW = 4096;
    /** Messages from sending sessions that the mailbox is storing now. */
    private final java.util.Set<Sender> storing = new java.util.HashSet<>();

    private Effect<AccountEvent, State> onDeliver(State s, Deliver c) {
        Stanza st = c.stanza();
        Sender sender = Sender.NONE;
        if (c.ackTo() != null) {
            sender = new Sender(c.ackTo(), c.seq());
            java.util.TreeSet<Long> seen = accepted.computeIfAbsent(c.ackTo(), r -> new java.util.TreeSet<>());
            if (!seen.add(c.seq())) {
                // A copy sent again. Still on its way to a client: that client's session acknowledges it.
                // Settled (written, stored or bounced): the acknowledgement was lost; say it again.
                for (LiveSession ls : sessions.values()) {
                    if (ls.inFlight(c.ackTo(), c.seq())) {
                        return Effect().none();
                    }
                }
                if (storing.contains(sender)) {
                    // On its way into the mailbox: acknowledged (or given back) when the mailbox answers.
                    return Effect().none();
                }
                sender.ack();
                return Effect().none();
            }
            if (seen.size() > ACCEPTED_WINDOW) {
                seen.pollFirst();
            }
        }
        return onDeliver(s, st, sender);
    }

    /** The session of this server that sent a message and waits to hear it arrived, if any. */
    record Sender(ActorRef<SessionMessage> ackTo, long seq) {
        static final Sender NONE = new Sender(null, 0);

        void ack() {
            if (ackTo != null) {
                ackTo.tell(new SessionMessage.Accepted(seq));
            }
        }
    }

    private Effect<AccountEvent, State> onDeliver(State s, Stanza st, Sender ack) {
        if (!(st instanceof Message)) {
            ack.ack();
        }
        if (!s.exists()) {
            if (st instanceof Message) {
                ack.ack();
            }
            return noAccount(st);
        }
        if (blocks(s, st.from())) {
            // XEP-0191 §3.3: a blocked sender's messages and requests are refused; presence is dropped.
            BlockRules.refuseInbound(st).ifPresent(this::send);
            if (st instanceof Message) {
                ack.ack();
            }
            return Effect().none();
        }
        if (st instanceof Presence p) {
            pep.inbound(s, p);
            return presence.inbound(this, s, p);
        }
        if (st instanceof Message m) {
            deliverMessage(archive.incoming(s, m), ack);
            return Effect().none();
        }
        Iq iq = (Iq) st;
        if (iq.to() instanceof FullJid && iq.isRequest() && iq.payloadIs(LastActivityHandler.NS, "query")
            && !LastActivityHandler.authorized(relationOf(s, iq.from()))
            && (iq.from() == null || !iq.from().bare().equals(jid))) {
            // XEP-0012 §4: a client's idle time is for its contacts only.
            bounce(iq, StanzaError.Condition.FORBIDDEN);
            return Effect().none();
        }
        if (iq.to() instanceof FullJid full) {
            LiveSession target = sessions.get(full.resource());
            if (target != null) {
                target.tell(new SessionMessage.Deliver(iq));
            } else if (iq.isRequest()) {
                // RFC 6121 §8.5.3.2.3: no such resource.
                bounce(iq, StanzaError.Condition.SERVICE_UNAVAILABLE);
            }
            return Effect().none();
        }
        if (!iq.isRequest()) {
            pep.answer(s, iq);
            return Effect().none();
        }
        // RFC 6121 §8.5.2.1.3: an IQ to the bare JID is answered by the server on the account's behalf.
        boolean fromSelf = iq.from() != null && iq.from().bare().equals(jid);
        if (fromSelf && RosterHandler.owns(iq)) {
            LiveSession sender = sessions.get(iq.from().resource());
            if (sender != null) {
                return RosterIq.handle(this, s, sender, iq);
            }
        }
        if (fromSelf && MamHandler.isQuery(iq) && sessions.containsKey(iq.from().resource())) {
            archive.query(sessions.get(iq.from().resource()), iq);
            return Effect().none();
        }
        IqContext.Relation relation = fromSelf ? IqContext.Relation.SELF : relationOf(s, iq.from());
        if (pepHandler.owns(iq)) {
            return onPep(s, iq, relation);
        }
        return answer(s, iq, relation);
    }

    IqContext.Relation relationOf(State s, Jid other) {
        if (other == null) {
            return IqContext.Relation.STRANGER;
        }
        return s.roster().get(other.bare())
            .filter(i -> i.subscription().hasFrom())
            .map(i -> IqContext.Relation.CONTACT)
            .orElse(IqContext.Relation.STRANGER);
    }

    /**
     * Delivers a message by RFC 6121 §8.5 and runs {@code ack} once its fate is settled: handed to a
     * session, bounced, dropped by the rules, or stored by the mailbox.
     */
    private void deliverMessage(Message m, Sender ack) {
        if (m.to() instanceof FullJid full) {
            LiveSession target = sessions.get(full.resource());
            if (target != null) {
                target.deliverTracked(m, ack.ackTo(), ack.seq());
                return;
            }
            // RFC 6121 §8.5.3.2.1: chat and normal to an absent resource are handled as to the bare
            // JID; groupchat and headline to an absent resource are not delivered elsewhere.
            if (m.type() == Message.Type.GROUPCHAT) {
                bounce(m, StanzaError.Condition.SERVICE_UNAVAILABLE);
                ack.ack();
                return;
            }
            if (m.type() != Message.Type.CHAT && m.type() != Message.Type.NORMAL) {
                ack.ack();
                return;
            }
        }
        if (m.type() == Message.Type.GROUPCHAT) {
            bounce(m, StanzaError.Condition.SERVICE_UNAVAILABLE);
            ack.ack();
            return;
        }
        if (m.type() == Message.Type.ERROR) {
            ack.ack();
            return;
        }
        List<LiveSession> targets = Delivery.messageToBare(m.type(), sessions.values());
        if (!targets.isEmpty()) {
            // The receiving sessions acknowledge to the sender once they wrote it.
            for (LiveSession t : targets) {
                t.deliverTracked(m, ack.ackTo(), ack.seq());
            }
            return;
        }
        if (m.type() == Message.Type.HEADLINE || !Offline.storable(m)) {
            ack.ack();
            return;
        }
        // RFC 6121 §8.5.2.2.1 and XEP-0160: no available resource; chat and normal messages wait.
        if (ack.ackTo() != null) {
            storing.add(ack);
        }
        ctx.ask(MailboxEntity.StoreReply.class, mailbox(), deps.settings().storeTimeout(),
            replyTo -> new MailboxEntity.Store(m, replyTo), (r, f) -> new StoreResult(m, r, f, ack));
    }

    private RecipientRef<MailboxEntity.Command> mailbox() {
        return deps.mailboxes().apply(jid.toString());
    }

    /** A message the mailbox could not take goes back to its sender: never silently lost. */
    private Effect<AccountEvent, State> onStoreResult(State s, StoreResult r) {
        storing.remove(r.ack());
        if (r.failure() != null && r.ack().ackTo() != null) {
            // The mailbox did not answer (its node is failing over): the sending session still holds the
            // message and sends it again; this copy is forgotten so that the next one is taken afresh.
            java.util.TreeSet<Long> seen = accepted.get(r.ack().ackTo());
            if (seen != null) {
                seen.remove(r.ack().seq());
            }
            return Effect().none();
        }
        r.ack().ack();
        if (r.reply() instanceof MailboxEntity.StoreReply.Stored) {
            // A resource may have become available while the mailbox was storing (a client that
            // reconnected at once): it collects now rather than at its next login.
            Delivery.messageToBare(Message.Type.CHAT, sessions.values()).stream().findFirst()
                .ifPresent(this::availableForOffline);
            return Effect().none();
        }
        StanzaError.Condition c = r.failure() != null ? StanzaError.Condition.SERVICE_UNAVAILABLE
            : StanzaError.Condition.RESOURCE_CONSTRAINT;
        bounce(r.message(), c);
        return Effect().none();
    }

    /** A resource sent initial presence with a non-negative priority: it gets what waited (XEP-0160). */
    void availableForOffline(LiveSession ls) {
        mailbox().tell(new MailboxEntity.DeliverTo(ls.jid, ls.ref));
    }

    /** RFC 6121 §8.5.1: the account does not exist. */
    private Effect<AccountEvent, State> noAccount(Stanza st) {
        if (st instanceof Presence p) {
            if (p.type() == Presence.Type.SUBSCRIBE || p.type() == Presence.Type.PROBE) {
                // RFC 6121 §3.1.3 and §4.3.2: answered with unsubscribed so the asker's roster settles.
                if (p.from() != null) {
                    send(Presence.of(jid, p.from().bare(), Presence.Type.UNSUBSCRIBED));
                }
            }
            return Effect().none();
        }
        if (st instanceof Iq iq && !iq.isRequest()) {
            return Effect().none();
        }
        bounce(st, StanzaError.Condition.SERVICE_UNAVAILABLE);
        return Effect().none();
    }

    // ---- helpers shared with the feature logic of this package ----

    void send(Stanza st) {
        if (st != null && st.to() != null) {
            deps.router().route(st);
        }
    }

    void bounce(Stanza st, StanzaError.Condition condition) {
        if (!st.isError()) {
            deps.failures().record(st, condition);
        }
        Stanza reply = st.errorReply(StanzaError.of(condition));
        if (reply != null && reply.to() != null) {
            deps.router().route(reply);
        }
    }

    PresenceLogic presence() {
        return presence;
    }

    Map<String, LiveSession> sessions() {
        return sessions;
    }

    BareJid jid() {
        return jid;
    }

    EffectFactoriesAccess effects() {
        return new EffectFactoriesAccess();
    }

    /** Gives the package's feature logic access to this behavior's effect factories. */
    final class EffectFactoriesAccess {
        Effect<AccountEvent, State> none() {
            return Effect().none();
        }

        /** Persists the events (if any), then runs the side effects with the new state. */
        Effect<AccountEvent, State> persistThen(List<AccountEvent> events, java.util.function.Consumer<State> after) {
            if (events.isEmpty()) {
                return Effect().none().thenRun(after::accept);
            }
            return Effect().persist(events).thenRun(after::accept);
        }
    }
}
