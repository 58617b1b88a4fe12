package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Presence;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A bound session's tie to its account's entity, wherever that runs: the session watches the entity, and when it
 * stops (it moved, or restarted) binds to its new incarnation, restoring what the entity knew of the resource (its
 * last available presence, whether it asked for the roster, its interests such as carbons). The same state is what a
 * resuming stream takes over (XEP-0198), and the entity hears which streams may be resumed.
 */
final class EntityBinding {

    /** The account's entity stopped (it moved, or restarted): bind to its new incarnation. */
    record EntityGone(ActorRef<UserEntity.Command> entity) implements StreamSession.Local {
    }

    record Rebound(UserEntity.BindReply reply, Throwable failure) implements StreamSession.Local {
    }

    enum RebindNow implements StreamSession.Local { INSTANCE }

    /**
     * How long one try to bind again waits before the next. After a node died, the account's entity starts on another
     * one only once the cluster has removed the dead node and allocated its shards; a question sent before that may be
     * lost, so a short wait and a new try find the entity within seconds of its start rather than after one long
     * timeout (issue 18: a 10 s wait here kept clients off their messages for up to 10 s after the entity was back).
     */
    static final Duration REBIND_TRY = Duration.ofSeconds(3);

    private final StreamSession session;
    /** The client said it is inactive (XEP-0352); and whether the entity was last told the client is quiet. */
    private boolean inactive;
    private boolean toldQuiet;
    /** The last available presence the client broadcast, for binding again after the entity moved. */
    private Presence lastPresence;
    private boolean rosterRequested;
    /** What the resource asked for that lasts as long as the session (carbons), as the entity told it. */
    private Set<String> interests = Set.of();
    /**
     * Whether the account wants a copy of each message the client sends (carbons, archive), as its entity last said;
     * until it says, it does ({@link SessionMessage.SentCopies}).
     */
    private boolean sentCopies = true;

    EntityBinding(StreamSession session) {
        this.session = session;
    }

    /** The session watches this incarnation of the account's entity. */
    void watch(ActorRef<UserEntity.Command> entity) {
        session.ctx().watchWith(entity, new EntityGone(entity));
    }

    /** A presence the client broadcast: the last available one is kept, an unavailable one clears it. */
    void broadcast(Presence p) {
        if (p.to() == null && p.type() == Presence.Type.AVAILABLE) {
            lastPresence = p;
        } else if (p.to() == null && p.type() == Presence.Type.UNAVAILABLE) {
            lastPresence = null;
        }
    }

    /** The client asked for its roster (RFC 6121 §2.1.3): it is sent roster pushes from then on. */
    void rosterRequested() {
        rosterRequested = true;
    }

    Behavior<SessionInput> onEntityGone(EntityGone g) {
        if (session.phase != Phase.BOUND || session.registration.removing()) {
            // An entity that leaves because this stream removed the account is not bound to again.
            return session;
        }
        // The entity told every session it had told otherwise before it stopped; this is the same, and cheap.
        sentCopies = true;
        return rebind();
    }

    /** Binds again to the account's entity, wherever it runs now, restoring what it knew. */
    Behavior<SessionInput> rebind() {
        if (session.phase != Phase.BOUND) {
            return session;
        }
        Presence presence = lastPresence;
        boolean interested = rosterRequested;
        Set<String> wanted = interests;
        String resource = session.jid.resource();
        session.ctx().ask(UserEntity.BindReply.class, session.entity, REBIND_TRY,
            replyTo -> new UserEntity.Bind(resource, session.self(), true, presence, interested, replyTo, wanted),
            Rebound::new);
        return session;
    }

    Behavior<SessionInput> onRebound(Rebound r) {
        if (session.phase != Phase.BOUND) {
            return session;
        }
        if (r.reply() instanceof UserEntity.BindReply.Bound b) {
            watch(b.entity());
            registerResumable();
            if (toldQuiet) {
                session.entity.tell(new UserEntity.Quiet(session.jid.resource(), session.self(), true));
            }
            return session;
        }
        if (r.reply() instanceof UserEntity.BindReply.Refused refused && "not-authorized".equals(refused.condition())) {
            return session.fail("not-authorized", "the account is gone");
        }
        // No answer within the try: asked again at once (the question was lost, or is still waiting for the entity's
        // shard, and asking again costs one message); a refusal (the entity is stopping): a second later.
        session.timers.startSingleTimer(RebindNow.INSTANCE, RebindNow.INSTANCE,
            r.failure() != null ? Duration.ZERO : Duration.ofSeconds(1));
        return session;
    }

    /** XEP-0198: the entity learns this stream may be resumed, and with which id. */
    void registerResumable() {
        StreamManagement sm = session.sm;
        if (sm != null && sm.resumable() && session.phase == Phase.BOUND) {
            session.entity.tell(new UserEntity.Resumable(session.jid.resource(), session.self(), sm.id()));
        }
    }

    /** The resource's interests changed (or a resumed stream learns them): kept for binding again. */
    Behavior<SessionInput> onInterests(SessionMessage.Interests i) {
        interests = i.interests();
        return session;
    }

    /** The entity says whether the account wants copies of what this client sends: from the next message on. */
    Behavior<SessionInput> onSentCopies(SessionMessage.SentCopies c) {
        sentCopies = c.wanted();
        return session;
    }

    boolean sentCopies() {
        return sentCopies;
    }

    // ---- XEP-0198 hand-over ----

    /** The state a resuming stream takes over: presence and roster interest, plus what the extensions add. */
    SessionMessage.Resumption handOver() {
        return session.extensions.handOver(session.sm.handOver(lastPresence, rosterRequested, List.of()));
    }

    /** This stream resumed another: it takes over its presence, roster interest and the extensions' state. */
    void resumed(SessionMessage.Resumption r) {
        lastPresence = r.presence();
        rosterRequested = r.rosterInterest();
        session.extensions.resumed(r);
    }

    /** The client said it is inactive (XEP-0352) or active again. */
    void inactive(boolean inactive) {
        this.inactive = inactive;
        quietChanged();
    }

    /**
     * Tells the entity when the client stops reading (its stream dropped and waits for XEP-0198 resumption, or it
     * said XEP-0352 inactive) or reads again, for push (XEP-0357). Said again to an entity bound to anew.
     */
    void quietChanged() {
        boolean quiet = session.detached || inactive;
        if (quiet != toldQuiet && session.phase == Phase.BOUND && session.jid != null) {
            toldQuiet = quiet;
            session.entity.tell(new UserEntity.Quiet(session.jid.resource(), session.self(), quiet));
        }
    }
}
