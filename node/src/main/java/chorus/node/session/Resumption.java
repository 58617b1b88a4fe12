package chorus.node.session;

import chorus.actors.session.SessionInput;
import chorus.actors.session.SessionMessage;
import chorus.actors.user.UserEntity;
import chorus.actors.xmpp.Element;
import chorus.node.stream.StreamErrors;
import org.apache.pekko.actor.typed.Behavior;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0198 §5 stream resumption, both sides. A new stream asks the account's entity to resume the session its
 * client was given an id for; the entity hands it the resource and tells the old session to hand over its state
 * (counts, unacknowledged stanzas, presence, what the extensions keep); with both, the new stream is bound and
 * sends again what the client did not acknowledge. A dropped stream stays bound, waiting to be resumed until its
 * timeout; then its resource goes offline as usual.
 */
final class Resumption {

    /** The account's entity answered a {@code <resume/>}. */
    record Answered(UserEntity.BindReply reply, Throwable failure) implements StreamSession.Local {
    }

    /** The old session did not hand its state over in time. */
    enum HandOverMissing implements StreamSession.Local { INSTANCE }

    /** A dropped stream was not resumed in time; the session ends. */
    enum Expired implements StreamSession.Local { INSTANCE }

    static final Duration HAND_OVER_WAIT = Duration.ofSeconds(10);
    private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(10);

    private final StreamSession session;
    /** Resuming: the id and count the client gave, the entity's answer and the old session's state. */
    private String resumingId;
    private long resumingH;
    private UserEntity.BindReply.Bound answer;
    private SessionMessage.Resumption state;
    /** What the client sent while its stream was being resumed: handled once it is. */
    private final List<Element> held = new ArrayList<>();
    /**
     * Where {@code <resumed/>} or {@code <failed/>} goes: to the client, or, for a resumption asked for inside a
     * SASL2 {@code <authenticate/>}, into the {@code <success/>} (null: to the client).
     */
    private java.util.function.Consumer<Element> inline;

    Resumption(StreamSession session) {
        this.session = session;
    }

    // ---- the new stream ----

    /** {@code <resume/>}: a new stream asks to take over a dropped one of the same account. */
    Behavior<SessionInput> onResume(Element e) {
        return onResume(e, null);
    }

    /**
     * As {@link #onResume(Element)}, the answer going to {@code answer} (XEP-0198 inline in SASL2): it is called
     * once, before the stanzas the client did not acknowledge are sent again.
     */
    Behavior<SessionInput> onResume(Element e, java.util.function.Consumer<Element> answer) {
        inline = answer;
        if (session.phase != Phase.BIND || session.sm != null || !session.node.c2s().sm().enabled()
            || !session.transport.offersStreamManagement()) {
            answer(StreamManagement.failed("unexpected-request", -1));
            return session;
        }
        String previd = e.attr("previd");
        long h = StreamManagement.count(e.attr("h"));
        if (previd == null || previd.isEmpty() || h < 0) {
            answer(StreamManagement.failed("bad-request", -1));
            return session;
        }
        session.phase = Phase.RESUMING;
        resumingId = previd;
        resumingH = h;
        session.ctx().ask(UserEntity.BindReply.class, session.entity, RESUME_TIMEOUT,
            replyTo -> new UserEntity.Resume(previd, session.self(), replyTo), Answered::new);
        return session;
    }

    void hold(Element e) {
        held.add(e);
    }

    Behavior<SessionInput> onAnswered(Answered a) {
        if (session.phase != Phase.RESUMING) {
            return session;
        }
        if (!(a.reply() instanceof UserEntity.BindReply.Bound bound)) {
            return failed();
        }
        answer = bound;
        session.jid = bound.jid();
        session.timers.startSingleTimer(HandOverMissing.INSTANCE, HandOverMissing.INSTANCE, HAND_OVER_WAIT);
        return finish();
    }

    Behavior<SessionInput> onResumption(SessionMessage.Resumption r) {
        if (session.phase != Phase.RESUMING) {
            return session;
        }
        state = r;
        return finish();
    }

    Behavior<SessionInput> onHandOverMissing() {
        return session.phase == Phase.RESUMING ? failed() : session;
    }

    /** Resumes once both the entity's answer and the old session's state are here. */
    private Behavior<SessionInput> finish() {
        if (answer == null || state == null) {
            return session;
        }
        session.timers.cancel(HandOverMissing.INSTANCE);
        if (state.refused()) {
            return failed();
        }
        StreamManagement sm = StreamManagement.resumed(state, session.node.c2s().sm().maxUnacked());
        session.sm = sm;
        session.bound.binding.resumed(state);
        session.phase = Phase.BOUND;
        session.bound.beginResumed(answer.entity());
        StreamManagement.Ack ack = sm.acked(resumingH);
        if (ack.tooHigh()) {
            return session.fail(StreamErrors.UNDEFINED_CONDITION, "handled-count-too-high");
        }
        session.acks.onAck(ack);
        answer(sm.resumed(resumingId));
        // XEP-0198 §5: what the client did not acknowledge goes out again, in order.
        for (SessionMessage.Unacked u : sm.unacked()) {
            session.out.resend(u.stanza());
        }
        session.out.countWith(sm);
        answer = null;
        state = null;
        session.bound.deliverEarly();
        return replayHeld();
    }

    /** The stream cannot be resumed: the client hears item-not-found and binds afresh. */
    private Behavior<SessionInput> failed() {
        if (answer != null) {
            // The entity gave this session the resource already; it ends as any session does.
            session.entity.tell(new UserEntity.Unbind(answer.jid().resource(), session.self()));
        }
        session.timers.cancel(HandOverMissing.INSTANCE);
        session.phase = Phase.BIND;
        session.jid = null;
        answer = null;
        state = null;
        session.bound.forgetEarly();
        answer(StreamManagement.failed("item-not-found", -1));
        return replayHeld();
    }

    private void answer(Element e) {
        java.util.function.Consumer<Element> to = inline;
        inline = null;
        if (to == null) {
            session.out.send(e);
        } else {
            to.accept(e);
        }
    }

    private Behavior<SessionInput> replayHeld() {
        List<Element> replay = new ArrayList<>(held);
        held.clear();
        Behavior<SessionInput> next = session;
        for (Element e : replay) {
            if (session.phase == Phase.CLOSED) {
                break;
            }
            next = session.onElement(e);
        }
        return next;
    }

    // ---- the old stream ----

    /** The transport dropped without {@code </stream>}: the resource stays bound until it is resumed or expires. */
    void awaitResume() {
        session.timers.startSingleTimer(Expired.INSTANCE, Expired.INSTANCE, session.sm.resumeTimeout());
    }

    /** A new stream resumed this one: its state goes there, and this session ends quietly. */
    Behavior<SessionInput> onHandOver(SessionMessage.HandOver h) {
        if (session.phase != Phase.BOUND || session.sm == null) {
            h.to().tell(SessionMessage.Resumption.refusal());
            return session;
        }
        session.bound.ackWritten();
        // The hand-over holds what the client did not acknowledge: in frames when it is larger than one.
        session.frames.tell(h.to(), session.bound.binding.handOver(), SessionMessage.Framed::new);
        session.phase = Phase.CLOSED;
        session.node.registry().unbound(session.ctx().getSelf());
        session.timers.cancel(Expired.INSTANCE);
        if (!session.transportGone) {
            // The client came back before this node noticed the old connection was dead.
            session.transport.closeNow();
            return session;
        }
        return session.stopIfGone();
    }

    Behavior<SessionInput> onExpired() {
        if (session.phase != Phase.BOUND || !session.detached) {
            return session;
        }
        // Now the resource goes offline, and what the client never acknowledged goes where it would go now:
        // another resource, or offline storage (the entity tracks every message it handed over).
        session.bound.unbind();
        session.phase = Phase.CLOSED;
        return session.stopIfGone();
    }
}
