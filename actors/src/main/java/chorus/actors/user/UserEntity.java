package chorus.actors.user;

import chorus.actors.ClusterMessage;
import chorus.actors.CommandTable;
import chorus.actors.JournaledEntity;
import chorus.actors.cluster.CoLocatedShards;
import chorus.actors.account.Credentials;
import chorus.actors.cluster.FrameAssembly;
import chorus.actors.cluster.Frames;
import chorus.actors.diagnostics.DeliveryFailures;
import chorus.actors.feature.AccountEvent;
import chorus.actors.feature.AccountFeatures;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.feature.roster.RosterItem;
import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.metrics.NodeMetrics;
import chorus.actors.router.StanzaRouter;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.accounts.AccountDirectory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One per account (bare JID), placed by Cluster Sharding: the user's logical session. The account (credentials,
 * roster, and each feature's slice) is event-sourced; the bound resources are live state beside it, rebuilt when
 * sessions bind again. The entity applies the RFC 6121 core (presence, subscriptions, delivery) and dispatches
 * everything else to the features of its registry ({@link AccountFeatures}) through their hooks: it knows no
 * feature. Its parts: {@link Resources} (binding), {@link MessageDelivery}, {@link PresenceLogic}, {@link RosterIq},
 * {@link FeatureHooks}, {@link Portability}. The file is long because the whole protocol of the entity (every part's
 * commands and replies) is declared here, as actor protocols are; the parts hold the logic.
 */
public final class UserEntity extends JournaledEntity<UserEntity.Command, AccountEvent, AccountState> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "User");

    // ---- protocol ----

    public interface Command extends ClusterMessage {
    }

    /** A feature's own command from a session ({@link chorus.actors.feature.AccountCommand}), such as FAST's. */
    public interface FeatureCommand extends Command, chorus.actors.feature.AccountCommand {
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
     * roster, and the interests it was told ({@link SessionMessage.Interests}). The entity takes that back silently,
     * without broadcasting anything.
     *
     * <p>{@code maxSessions} (0: no limit) refuses a new resource with resource-constraint when the account has that
     * many bound already (RFC 6120 §7.6.2.1); a session binding again asks without a limit.
     */
    public record Bind(String resource, ActorRef<SessionMessage> session, boolean kickOld, Presence presence,
                       boolean interested, int maxSessions, ActorRef<BindReply> replyTo,
                       java.util.Set<String> interests) implements Command {
        public Bind {
            interests = interests == null ? java.util.Set.of() : java.util.Set.copyOf(interests);
        }

        public Bind(String resource, ActorRef<SessionMessage> session, boolean kickOld, Presence presence,
                    boolean interested, ActorRef<BindReply> replyTo, java.util.Set<String> interests) {
            this(resource, session, kickOld, presence, interested, 0, replyTo, interests);
        }

        public Bind(String resource, ActorRef<SessionMessage> session, boolean kickOld, Presence presence,
                    boolean interested, ActorRef<BindReply> replyTo) {
            this(resource, session, kickOld, presence, interested, 0, replyTo, java.util.Set.of());
        }

        public static Bind fresh(String resource, ActorRef<SessionMessage> session, boolean kickOld,
                                 ActorRef<BindReply> replyTo) {
            return fresh(resource, session, kickOld, 0, replyTo);
        }

        public static Bind fresh(String resource, ActorRef<SessionMessage> session, boolean kickOld, int maxSessions,
                                 ActorRef<BindReply> replyTo) {
            return new Bind(resource, session, kickOld, null, false, maxSessions, replyTo, java.util.Set.of());
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

    /**
     * The session's client stopped reading (its stream dropped and waits for XEP-0198 resumption, or it sent
     * XEP-0352 inactive) or reads again: what features such as push (XEP-0357) need to know of the resource.
     */
    public record Quiet(String resource, ActorRef<SessionMessage> session, boolean quiet) implements Command {
    }

    /** The session wrote the tracked messages up to this sequence number of this epoch. */
    public record SessionAck(String resource, long epoch, long upToSeq) implements Command {
    }

    /** A stanza sent by one of this account's own sessions that the account handles (presence, own IQs). */
    public record FromClient(Stanza stanza) implements Command {
    }

    /** A message one of this account's sessions sent to someone else: its features see it (the archive keeps it). */
    public record Sent(Message message) implements Command {
    }

    /** A stanza addressed to this account or one of its resources. */
    public record Deliver(Stanza stanza, ActorRef<SessionMessage> ackTo, long seq) implements Command {
        /** Fire and forget: a stanza of the server's own, or from another entity. */
        public Deliver(Stanza stanza) {
            this(stanza, null, 0);
        }
    }

    /**
     * An admin ends the account's sessions (XEP-0133 §4.5), or one resource's ({@code resource} non-null): each
     * stream ends with policy-violation; the account and later logins are untouched.
     */
    public record EndSessions(String resource, ActorRef<SessionsEnded> replyTo) implements Command {
    }

    /** How many sessions were told to end. */
    public record SessionsEnded(int sessions) implements ClusterMessage {
    }

    /**
     * XEP-0227 export, a page at a time (pages keep cluster messages small): the children of the account's
     * {@code <user/>} element from index {@code from} on.
     */
    public record ExportAccount(int from, ActorRef<Exported> replyTo) implements Command {
    }

    /** A page of the account's {@code <user/>} children: null when there is no account; {@code next} -1 at the end. */
    public record Exported(List<Element> children, int next) implements ClusterMessage {
        @Override
        public String toString() {
            return "Exported[" + (children == null ? "no account" : children.size() + " elements") + ", next " + next + "]";
        }
    }

    /**
     * XEP-0227 import of children of a {@code <user/>}: with credentials, creates the account from them (conflict
     * when it exists); without, adds them to the account (item-not-found when there is none), for a {@code <user/>}
     * too large for one message. Each child is built as the owner's requests would build it.
     */
    public record ImportAccount(Credentials credentials, List<Element> children, ActorRef<Imported> replyTo)
        implements Command {
        @Override
        public String toString() {
            return "ImportAccount[" + children.size() + " elements]";
        }
    }

    public sealed interface Imported extends ClusterMessage {
        /** Done; the notes say what was left out and why (never a value). */
        record Done(List<String> notes) implements Imported {
        }

        /** condition: "conflict" (the account exists), "item-not-found" (no account to add to). */
        record Refused(String condition) implements Imported {
        }
    }

    /** Sent by sharding to stop the entity at passivation or rebalance. */
    public enum Stop implements Command { INSTANCE }

    /** The entity's own: what reached it directly before {@link Stop} is handled; now it stops. */
    enum StopNow implements Command { INSTANCE }

    public sealed interface AccountReply extends ClusterMessage {
        record Done() implements AccountReply {
        }

        /**
         * condition: "conflict" (exists), "item-not-found" (no such account), {@link #NOT_ERASED} (no account, but
         * the journal of a removed one is still there).
         */
        record Failed(String condition) implements AccountReply {
        }
    }

    /** Creation refused: the name's last account was removed and its journal is not erased yet. */
    public static final String NOT_ERASED = "not-erased";

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

    // ---- the entity's own events (features have theirs: SliceEvents) ----

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

    // ---- wiring ----

    /** What every entity needs from its node; {@code features}: the registry of account features, in order. */
    public record Deps(DomainJid domain, StanzaRouter router, AccountFeatures features, Clock clock,
                       UserSettings settings, AccountDirectory directory,
                       Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, DeliveryFailures failures,
                       Function<String, RecipientRef<Command>> accounts) {
        /** Without a way to the other accounts' entities: nothing waits for them ({@link ContactBarrier}). */
        public Deps(DomainJid domain, StanzaRouter router, AccountFeatures features, Clock clock,
                    UserSettings settings, AccountDirectory directory,
                    Function<String, RecipientRef<MailboxEntity.Command>> mailboxes, DeliveryFailures failures) {
            this(domain, router, features, clock, settings, directory, mailboxes, failures, null);
        }
    }

    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(org.apache.pekko.cluster.sharding.typed.javadsl.Entity.of(KEY,
                ctx -> create(ctx.getEntityId(), deps, ctx.getShard()))
            .withStopMessage(Stop.INSTANCE)
            .withAllocationStrategy(new CoLocatedShards(CoLocatedShards.REBALANCE_LIMIT)));
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
    private final Effects effects = new Effects();
    private final MessageDelivery delivery;
    private final PresenceLogic presence;
    private final Resources resources;
    private final AwaitedAnswers awaited;
    private final ContactBarrier barrier;
    private final FeatureHooks hooks;
    private final StanzaDispatch stanzas;
    private final Portability portability;
    private final AccountLifecycle lifecycle;
    /** Large messages to sessions go in cluster frames; large commands come in them (see chorus.actors.cluster). */
    private final Frames frames;
    private final FrameAssembly framed;
    private final LocalAccounts local;
    private final SentCopies copies;

    private UserEntity(ActorContext<Command> ctx, BareJid jid, Deps deps, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(ctx, PersistenceId.of(KEY.name(), jid.toString()), NodeMetrics.EntityType.USER);
        this.ctx = ctx;
        this.jid = jid;
        this.deps = deps;
        this.shard = shard;
        this.frames = Frames.get(ctx.getSystem());
        this.framed = new FrameAssembly(ctx.getSystem());
        this.local = LocalAccounts.get(ctx.getSystem());
        this.delivery = new MessageDelivery(this);
        this.presence = new PresenceLogic(jid, sessions, deps.router(), deps.settings().rosterLimits(), delivery);
        this.resources = new Resources(this, shard);
        this.awaited = new AwaitedAnswers(System::nanoTime);
        EntityContext features = new EntityContext(this);
        this.barrier = new ContactBarrier(this, deps.accounts());
        List<AccountHooks> parts = new ArrayList<>();
        parts.add(new RosterIq(jid, presence, barrier));
        parts.addAll(deps.features().start(features));
        this.hooks = new FeatureHooks(parts);
        this.copies = new SentCopies(this);
        this.stanzas = new StanzaDispatch(this, features);
        this.portability = new Portability(this, features);
        this.lifecycle = new AccountLifecycle(this, shard);
        resources.armIdleTimer();
    }

    @Override
    public AccountState emptyState() {
        return AccountState.empty();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        int every = deps.settings().snapshotEvery();
        return every > 0 ? RetentionCriteria.snapshotEvery(every, 2) : RetentionCriteria.disabled();
    }

    /** Snapshots written before features had slices come back as {@link LegacyUserState}s. */
    @Override
    public SnapshotAdapter<AccountState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(AccountState state) {
                return state;
            }

            @Override
            public AccountState fromJournal(Object from) {
                return from instanceof LegacyUserState legacy ? legacy.toState() : (AccountState) from;
            }
        };
    }

    /**
     * Once the account is read: one that does not exist leaves memory soon (see {@link Resources#armIdleTimer}), and
     * the entity takes this node's acknowledged deliveries directly ({@link LocalAccounts}) until it goes.
     */
    @Override
    protected SignalHandlerBuilder<AccountState> signals(SignalHandlerBuilder<AccountState> builder) {
        return builder.onSignal(RecoveryCompleted.instance(), s -> {
                resources.armIdleTimer(s);
                copies.state(s);
                local.running(jid.toString(), ctx.getSelf());
            })
            .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), s -> going());
    }

    /** Passivation asked for, or the entity stops: commands go through sharding again, which holds them meanwhile. */
    void going() {
        local.going(jid.toString(), ctx.getSelf());
        copies.going();
    }

    @Override
    public EventHandler<AccountState, AccountEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> {
            AccountState after = s.apply(e);
            copies.state(after);
            return after;
        });
    }

    /** Every user entity's command handlers, built once: its parts' and its own (see {@link CommandTable}). */
    private static final CommandTable<UserEntity, Command, AccountEvent, AccountState> COMMANDS = commandTable();

    private static CommandTable<UserEntity, Command, AccountEvent, AccountState> commandTable() {
        CommandHandlers on = new CommandHandlers();
        AccountLifecycle.handle(on);
        Portability.handle(on);
        Resources.handle(on);
        StanzaDispatch.handle(on);
        ContactBarrier.handle(on);
        on.command(MessageDelivery.StoreResult.class, (e, s, c) -> {
            e.delivery.stored(c);
            return e.effects.none();
        });
        on.command(EntityContext.FeatureStep.class, (e, s, c) -> e.effects.decide(s, c.step().get()));
        on.command(FeatureCommand.class, (e, s, c) -> e.effects.decide(s, e.hooks.command(c, e.data(s))));
        // Direct messages that came before the entity was taken off LocalAccounts are handled before it stops.
        on.command(Stop.class, (e, s, c) -> {
            e.going();
            e.ctx.getSelf().tell(StopNow.INSTANCE);
            return e.effects.none();
        });
        on.command(StopNow.class, (e, s, c) -> e.effects.factory().stop());
        // A command too large for one cluster frame is handled once all its pieces are here.
        on.command(FramedCommand.class, (e, s, c) -> e.framed.accept(c.frame())
            .map(whole -> COMMANDS.apply(e, s, (Command) whole)).orElseGet(e.effects::none));
        return on.table.build();
    }

    @Override
    protected CommandHandler<Command, AccountEvent, AccountState> commands() {
        return COMMANDS.handlerFor(this);
    }

    // ---- what the entity's parts share ----

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

    /**
     * True when this name has no account but a journal that erasure has not removed yet (where journals are erased:
     * {@link UserSettings#erasedBeforeReuse}); a new account must not continue it. Asked only when there is no account.
     */
    boolean journalNotErased() {
        return deps.settings().erasedBeforeReuse() && lastSequenceNumber(ctx) > 0;
    }

    ActorContext<Command> ctx() {
        return ctx;
    }

    BareJid jid() {
        return jid;
    }

    Deps deps() {
        return deps;
    }

    Frames frames() {
        return frames;
    }

    Map<String, LiveSession> sessions() {
        return sessions;
    }

    /** Answers kept for resources that may bind again to this new incarnation. */
    AwaitedAnswers awaited() {
        return awaited;
    }

    /** The account as its features read it now. */
    StateView data(AccountState s) {
        return new StateView(s, resources.anyAvailable(), jid, hooks);
    }

    PresenceLogic presence() {
        return presence;
    }

    MessageDelivery delivery() {
        return delivery;
    }

    Resources resources() {
        return resources;
    }

    SentCopies copies() {
        return copies;
    }

    StanzaDispatch stanzas() {
        return stanzas;
    }

    Portability portability() {
        return portability;
    }

    AccountLifecycle lifecycle() {
        return lifecycle;
    }

    ContactBarrier barrier() {
        return barrier;
    }

    FeatureHooks hooks() {
        return hooks;
    }

    Effects effects() {
        return effects;
    }

    /** The behavior's effect factories, for the entity's parts. */
    final class Effects {
        Effect<AccountEvent, AccountState> none() {
            return Effect().none();
        }

        /** The behavior's own factory, for effects the helpers here do not cover. */
        org.apache.pekko.persistence.typed.javadsl.EffectFactories<AccountEvent, AccountState> factory() {
            return Effect();
        }

        <R> Effect<AccountEvent, AccountState> reply(ActorRef<R> to, R reply) {
            return Effect().reply(to, reply);
        }

        Effect<AccountEvent, AccountState> persist(List<AccountEvent> events) {
            return Effect().persist(events);
        }

        /**
         * Persists the decision's events (if any) with those the features derive from them (AccountHooks.follow),
         * in one write, then runs its side effects with the account after them.
         */
        Effect<AccountEvent, AccountState> decide(AccountState before, Decision d) {
            if (d.events().isEmpty()) {
                return Effect().none().thenRun(st -> d.then().accept(data(st)));
            }
            AccountState after = before;
            for (AccountEvent e : d.events()) {
                after = after.apply(e);
            }
            List<AccountEvent> derived = hooks.follow(d.events(), data(after));
            if (derived.isEmpty()) {
                return Effect().persist(d.events()).thenRun(st -> d.then().accept(data(st)));
            }
            List<AccountEvent> all = new ArrayList<>(d.events());
            all.addAll(derived);
            return Effect().persist(all).thenRun(st -> {
                StateView now = data(st);
                d.then().accept(now);
                hooks.followed(derived, now);
            });
        }
    }

    /** Collects the command handlers of the entity and its parts, once for the class. */
    static final class CommandHandlers {
        private final CommandTable.Builder<UserEntity, Command, AccountEvent, AccountState> table = CommandTable.builder();

        <C extends Command> void command(Class<C> type,
                                         CommandTable.Handler<UserEntity, C, AccountEvent, AccountState> handler) {
            table.on(type, handler);
        }

        /** The handlers of one of the entity's parts, each given the part (see {@link CommandTable.Builder#part}). */
        <P> CommandTable.Part<UserEntity, P, Command, AccountEvent, AccountState> part(Function<UserEntity, P> part) {
            return table.part(part);
        }
    }
}
