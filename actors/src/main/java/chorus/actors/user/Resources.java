package chorus.actors.user;

import chorus.actors.feature.AccountEvent;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.FullJid;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.Effect;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The account's bound resources (RFC 6120 §7): binding, with conflicts (§7.7.2.2), stream resumption (XEP-0198),
 * acknowledgements of what sessions wrote, and the end of a session, whichever way it ends. What a session never
 * wrote goes where it would go now; the entity leaves memory when no session is left for a while.
 */
final class Resources {

    private record SessionGone(String resource, ActorRef<SessionMessage> session) implements UserEntity.Command {
    }

    /** A session's death notice, settled after {@link #SESSION_GONE_GRACE} without its last words. */
    private record SessionGoneSettled(String resource, ActorRef<SessionMessage> session) implements UserEntity.Command {
    }

    private enum Idle implements UserEntity.Command { INSTANCE }

    /**
     * How long a death notice waits for the session's last words: its unavailable presence and its Unbind
     * (with what it wrote) travel through the shard region and can arrive after the notice.
     */
    static final Duration SESSION_GONE_GRACE = Duration.ofSeconds(1);

    /** How long the entity of an account that does not exist stays after the last thing asked of it. */
    static final Duration UNKNOWN_LINGER = Duration.ofMillis(200);

    private final ActorContext<UserEntity.Command> ctx;
    private final BareJid jid;
    private final UserEntity.Deps deps;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Map<String, LiveSession> sessions;
    private final UserEntity entity;

    Resources(UserEntity entity, ActorRef<ClusterSharding.ShardCommand> shard) {
        this.ctx = entity.ctx();
        this.jid = entity.jid();
        this.deps = entity.deps();
        this.shard = shard;
        this.sessions = entity.sessions();
        this.entity = entity;
    }

    /** Adds this part's commands to the entity's. */
    static void handle(UserEntity.CommandHandlers all) {
        var on = all.part(UserEntity::resources);
        on.on(UserEntity.Bind.class, Resources::bind);
        on.on(UserEntity.Resume.class, Resources::resume);
        on.on(UserEntity.Unbind.class, (r, s, c) -> r.ended(s, c.resource(), c.session(), c.epoch(), c.ackedUpTo()));
        on.on(SessionGone.class, Resources::gone);
        on.on(SessionGoneSettled.class, (r, s, c) -> r.ended(s, c.resource(), c.session(), 0, 0));
        on.on(UserEntity.SessionAck.class, Resources::acked);
        on.on(UserEntity.Resumable.class, Resources::resumable);
        on.on(UserEntity.Quiet.class, Resources::quiet);
        on.on(UserEntity.EndSessions.class, Resources::endSessions);
        on.on(Idle.class, Resources::idle);
    }

    private Effect<AccountEvent, AccountState> acked(AccountState s, UserEntity.SessionAck c) {
        LiveSession ls = sessions.get(c.resource());
        if (ls != null) {
            ls.acked(c.epoch(), c.upToSeq());
        }
        return entity.effects().none();
    }

    private Effect<AccountEvent, AccountState> resumable(AccountState s, UserEntity.Resumable c) {
        LiveSession ls = sessions.get(c.resource());
        if (ls != null && ls.ref.equals(c.session())) {
            ls.resumeId = c.id();
        }
        return entity.effects().none();
    }

    private Effect<AccountEvent, AccountState> quiet(AccountState s, UserEntity.Quiet c) {
        LiveSession ls = sessions.get(c.resource());
        if (ls != null && ls.ref.equals(c.session())) {
            ls.quiet = c.quiet();
        }
        return entity.effects().none();
    }

    private Effect<AccountEvent, AccountState> endSessions(AccountState s, UserEntity.EndSessions c) {
        int n = 0;
        for (LiveSession ls : sessions.values()) {
            if (c.resource() == null || c.resource().equals(ls.jid.resource())) {
                ls.ref.tell(new SessionMessage.Close("policy-violation", "an administrator ended this session"));
                n++;
            }
        }
        return entity.effects().reply(c.replyTo(), new UserEntity.SessionsEnded(n));
    }

    private Effect<AccountEvent, AccountState> idle(AccountState s, Idle c) {
        if (sessions.isEmpty()) {
            entity.going();
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return entity.effects().none();
    }

    private Effect<AccountEvent, AccountState> bind(AccountState s, UserEntity.Bind c) {
        if (!s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Refused("not-authorized"));
        }
        FullJid full;
        try {
            full = jid.withResource(c.resource());
        } catch (IllegalArgumentException e) {
            return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Refused("bad-request"));
        }
        LiveSession old = sessions.get(full.resource());
        LiveSession replaced = null;
        if (old != null && !old.ref.equals(c.session()) && !c.kickOld()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Refused("conflict"));
        }
        if (old == null && c.maxSessions() > 0 && sessions.size() >= c.maxSessions()) {
            // RFC 6120 §7.6.2.1: the account has as many resources as it may (resumable ones count: they hold theirs).
            return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Refused("resource-constraint"));
        }
        if (old != null && !old.ref.equals(c.session())) {
            // RFC 6120 §7.7.2.2: the newer session wins; the older one is told why it ends.
            ctx.unwatch(old.ref);
            sessions.remove(full.resource());
            entity.presence().resourceGone(entity.data(s), old);
            entity.hooks().resourceGone(old.jid);
            old.ref.tell(new SessionMessage.Close("conflict", "replaced by a new connection"));
            replaced = old;
        }
        boolean fresh = old == null || !old.ref.equals(c.session());
        LiveSession ls = fresh ? new LiveSession(full, c.session(), entity.frames(), entity.copies()::refresh) : old;
        if (c.presence() != null) {
            ls.presence = c.presence().withFromTo(full, null);
            if (ls.available()) {
                // Known again, silently: the resource had its last items before the entity moved.
                entity.hooks().resourcePresence(full, ls.presence, false, entity.data(s));
            }
            if (fresh && ls.available() && ls.priority() >= 0) {
                // A session binding again (this entity restarted elsewhere) was available already: what the
                // mailbox took while it was away (in the moments before it rebound) reaches it now.
                entity.delivery().availableForOffline(ls);
            }
        }
        ls.interested |= c.interested();
        ls.wantAgain(c.interests());
        sessions.put(full.resource(), ls);
        // Answers that reached this incarnation before the session bound again (it moved from a node that died).
        entity.awaited().bound(full.resource()).forEach(ls::send);
        ctx.watchWith(c.session(), new SessionGone(full.resource(), c.session()));
        ctx.cancelReceiveTimeout();
        entity.hooks().bound(ls, entity.data(s));
        // A session binding again may bring carbons back (it sends copies until told otherwise, as a new one does).
        entity.copies().refresh();
        Effect<AccountEvent, AccountState> bound =
            entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Bound(full, ctx.getSelf()));
        if (replaced != null) {
            // What the replaced session never wrote goes to the new one (or wherever the rules say).
            entity.delivery().redeliver(replaced);
        }
        return bound;
    }

    private Effect<AccountEvent, AccountState> resume(AccountState s, UserEntity.Resume c) {
        LiveSession ls = null;
        for (LiveSession l : sessions.values()) {
            if (c.id() != null && c.id().equals(l.resumeId)) {
                ls = l;
            }
        }
        if (ls == null || !s.exists()) {
            return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Refused("item-not-found"));
        }
        ActorRef<SessionMessage> old = ls.ref;
        if (!old.equals(c.session())) {
            // Deliveries to the old session before this point reach it before the hand-over request (one
            // sender, one receiver: ordered), so it hands over everything it was given.
            ctx.unwatch(old);
            ls.ref = c.session();
            // XEP-0352 §5.2: a resumed stream starts active; it says otherwise if it is not.
            ls.quiet = false;
            ctx.watchWith(c.session(), new SessionGone(ls.jid.resource(), c.session()));
            old.tell(new SessionMessage.HandOver(c.session()));
            // The resuming session sends copies until told otherwise.
            ls.skipsCopies = false;
            if (ls.hasInterests()) {
                // The resuming session binds with them again should this entity restart later.
                ls.told();
            }
        }
        return entity.effects().reply(c.replyTo(), new UserEntity.BindReply.Bound(ls.jid, ctx.getSelf()));
    }

    /**
     * A session stopped. Its last presence and its Unbind may still be on their way (they take the shard
     * region's path, the death notice does not); they settle its end if they come within the grace, else
     * it ends without them: nothing it held is lost either way, only the last status would be.
     */
    private Effect<AccountEvent, AccountState> gone(AccountState s, SessionGone c) {
        LiveSession ls = sessions.get(c.resource());
        if (ls != null && ls.ref.equals(c.session())) {
            ctx.scheduleOnce(SESSION_GONE_GRACE, ctx.getSelf(), new SessionGoneSettled(c.resource(), c.session()));
        }
        return entity.effects().none();
    }

    private Effect<AccountEvent, AccountState> ended(AccountState s, String resource, ActorRef<SessionMessage> ref,
                                                     long epoch, long ackedUpTo) {
        LiveSession ls = sessions.get(resource);
        if (ls == null || !ls.ref.equals(ref)) {
            return entity.effects().none();
        }
        boolean wasAvailable = anyAvailable();
        sessions.remove(resource);
        ctx.unwatch(ref);
        entity.presence().resourceGone(entity.data(s), ls);
        entity.hooks().resourceGone(ls.jid);
        // Messages the session never said it wrote go where they would go now: another resource, or
        // the mailbox. Nothing handed to a session that died is silently lost.
        ls.acked(epoch, ackedUpTo);
        entity.delivery().redeliver(ls);
        armIdleTimer(s);
        if (s.exists() && wasAvailable && !anyAvailable()) {
            List<AccountEvent> events = entity.hooks().lastResourceGone(entity.data(s));
            if (!events.isEmpty()) {
                return entity.effects().persist(events);
            }
        }
        return entity.effects().none();
    }

    boolean anyAvailable() {
        for (LiveSession l : sessions.values()) {
            if (l.available()) {
                return true;
            }
        }
        return false;
    }

    /** An entity without sessions leaves memory after the idle timeout. */
    void armIdleTimer() {
        if (sessions.isEmpty()) {
            ctx.setReceiveTimeout(deps.settings().idleTimeout(), Idle.INSTANCE);
        }
    }

    /**
     * As {@link #armIdleTimer()}; an account that does not exist (a login with a made-up name, a message to one)
     * holds nothing worth keeping and leaves memory as soon as nothing more is asked of it, so made-up names cannot
     * fill the node with entities.
     */
    void armIdleTimer(AccountState s) {
        if (sessions.isEmpty()) {
            ctx.setReceiveTimeout(s.exists() ? deps.settings().idleTimeout() : UNKNOWN_LINGER, Idle.INSTANCE);
        }
    }
}
