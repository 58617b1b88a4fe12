package chorus.actors.user;

import chorus.actors.feature.AccountData;
import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Message;

/**
 * Whether the account's sessions send the entity a copy ({@link UserEntity.Sent}) of each message their clients send
 * to someone else: only while a feature wants them ({@link chorus.actors.feature.AccountHooks#wantsSent}: a resource
 * with carbons enabled, XEP-0280 §8; archive preferences that keep something, XEP-0313). Without, a chat message costs
 * one sharded message instead of two (issue 18).
 *
 * <p>No wanted copy is missed:
 * <ul>
 *   <li>A session sends copies until told otherwise ({@link SessionMessage.SentCopies}); a new or resumed one too.
 *       It is told to stop only by this entity, and only when a copy it sent arrives while no feature wants it.</li>
 *   <li>Copies become wanted only on this entity's thread: a resource's interests change (the carbons enable
 *       request) or an event is applied (new archive preferences). Every session told to stop is told to send them
 *       again right then, before the answer to that request goes out. A session on this node gets the notice in its
 *       mailbox at once (a local tell enqueues before it returns), so any message its client sends after another
 *       client read that answer is handled after the notice: one mailbox, in order.</li>
 *   <li>A session on another node is never told to stop (its notice could arrive after such a message; a sharded
 *       entity mostly runs where its sessions are).</li>
 *   <li>Before the entity stops (passivation, hand-off, failure), every session it told to stop is told to send copies
 *       again: the next incarnation starts where every session sends them.</li>
 * </ul>
 */
final class SentCopies {
    private final UserEntity entity;
    /** The account now: the state after the last applied event (null until recovered: copies stay wanted). */
    private AccountState state;

    SentCopies(UserEntity entity) {
        this.entity = entity;
    }

    /** An event was applied, or the account was recovered: copies may be wanted now. */
    void state(AccountState now) {
        state = now;
        if (!entity.sessions().isEmpty()) {
            refresh();
        }
    }

    /** If any feature wants copies now, every session told to stop sending them sends them again. */
    void refresh() {
        if (state == null || entity.hooks().wantsSent(entity.data(state))) {
            again();
        }
    }

    /**
     * A copy of what a resource sent arrived: when no feature wants it, that resource's session (if on this node) is
     * told to send no more.
     */
    void arrived(Message m, AccountData data) {
        if (!(m.from() instanceof FullJid from) || entity.hooks().wantsSent(data)) {
            return;
        }
        LiveSession ls = entity.sessions().get(from.resource());
        if (ls != null && !ls.skipsCopies && ls.ref.path().address().hasLocalScope()) {
            ls.skipsCopies = true;
            ls.ref.tell(new SessionMessage.SentCopies(false));
        }
    }

    /** The entity stops: every session it told to send no copies sends them again. */
    void going() {
        again();
    }

    private void again() {
        for (LiveSession ls : entity.sessions().values()) {
            if (ls.skipsCopies) {
                ls.skipsCopies = false;
                ls.ref.tell(new SessionMessage.SentCopies(true));
            }
        }
    }
}
