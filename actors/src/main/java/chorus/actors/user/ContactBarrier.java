package chorus.actors.user;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Holds the answer to a roster removal until the contact's entity has handled what the removal sent it. Removing a
 * contact (RFC 6121 §2.5.2) sends the contact unsubscribe and unsubscribed; its entity stores the change before it
 * tells the contact's clients, so on one server those presences could reach the contact after the remover had its
 * result and sent the contact something new. A single-process server (Prosody, ejabberd) has handed them over before
 * it answers, and clients count on that order: Smack's interop suite removes a contact, then listens for the next
 * presence from it and took the late unsubscribe for the subscribe it waited for.
 *
 * <p>So, for a contact of this domain, the entity sends the contact's entity a {@link Barrier} after the presences
 * (through sharding, the same way, so in order) and sends the result when the {@link Passed} comes back, or after
 * {@link #WAIT} at the latest (a contact's entity that is moving must not keep the client's request unanswered). At
 * most {@link #MAX_HELD} answers wait at once; past that an answer goes at once, as before.
 */
final class ContactBarrier {
    static final Duration WAIT = Duration.ofSeconds(2);
    static final int MAX_HELD = 32;

    /** Answer {@code replyTo} once everything sent to this entity before has been handled. */
    public record Barrier(ActorRef<UserEntity.Command> replyTo, long token) implements UserEntity.Command {
    }

    /** The contact's entity has handled everything before the barrier (or the wait is over). */
    public record Passed(long token) implements UserEntity.Command {
    }

    private record Held(LiveSession session, Iq answer) {
    }

    private final UserEntity entity;
    private final Function<String, RecipientRef<UserEntity.Command>> accounts;
    private final Map<Long, Held> held = new HashMap<>();
    private long tokens;

    ContactBarrier(UserEntity entity, Function<String, RecipientRef<UserEntity.Command>> accounts) {
        this.entity = entity;
        this.accounts = accounts;
    }

    static void handle(UserEntity.CommandHandlers all) {
        var on = all.part(UserEntity::barrier);
        // After the persist and the side effects of every command before it: the entity stashes meanwhile.
        on.on(Barrier.class, (b, s, c) -> {
            c.replyTo().tell(new Passed(c.token()));
            return b.entity.effects().none();
        });
        on.on(Passed.class, (b, s, c) -> {
            Held h = b.held.remove(c.token());
            if (h != null) {
                h.session().send(h.answer());
            }
            return b.entity.effects().none();
        });
    }

    /** Sends {@code answer} to {@code session} once {@code contact}'s entity has handled what was sent to it. */
    void answerAfter(Jid contact, LiveSession session, Iq answer) {
        BareJid me = entity.jid();
        boolean account = contact.local() != null && contact.domain().equals(me.domain()) && !contact.bare().equals(me);
        if (accounts == null || !account || held.size() >= MAX_HELD) {
            session.send(answer);
            return;
        }
        long token = ++tokens;
        held.put(token, new Held(session, answer));
        var self = entity.ctx().getSelf();
        accounts.apply(contact.bare().toString()).tell(new Barrier(self, token));
        entity.ctx().scheduleOnce(WAIT, self, new Passed(token));
    }
}
