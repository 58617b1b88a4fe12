package chorus.node.session;

import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.function.Function;

/**
 * A stream's first bind, asked of its account's entity in tries: each waits {@link EntityBinding#REBIND_TRY}, and a
 * try without an answer is asked again until {@link #WITHIN} has passed since the first. A question can be lost on
 * its way (its shard was being handed off to another node when a node joined or left: the region drops what it held
 * for it), and then only a new try finds the entity. Asking again is safe: the entity answers a bind of the same
 * resource by the same session as it did the first time.
 */
final class BindQuestion {

    /** How long a stream waits in all for its resource before the client hears that binding failed. */
    static final Duration WITHIN = Duration.ofSeconds(10);

    private final StreamSession session;
    private final Function<ActorRef<UserEntity.BindReply>, UserEntity.Bind> question;
    private final Answer answer;
    private final long deadline = System.nanoTime() + WITHIN.toNanos();

    /**
     * @param question the bind asked, the same each try
     * @param answer   what the session is told of a try's answer, or of its failure
     */
    BindQuestion(StreamSession session, Function<ActorRef<UserEntity.BindReply>, UserEntity.Bind> question,
                 Answer answer) {
        this.session = session;
        this.question = question;
        this.answer = answer;
    }

    /** Asks (the first time, or again). */
    void ask() {
        long left = deadline - System.nanoTime();
        Duration wait = Duration.ofNanos(Math.max(1, Math.min(left, EntityBinding.REBIND_TRY.toNanos())));
        session.ctx().ask(UserEntity.BindReply.class, session.entity, wait, question::apply,
            (reply, failure) -> answer.of(reply, failure, this));
    }

    /** A try went unanswered: asks again and says true while there is time left, else false (the bind failed). */
    boolean unanswered() {
        if (System.nanoTime() - deadline >= 0) {
            return false;
        }
        ask();
        return true;
    }

    /** What the session is told of one try: the entity's answer, or the try's failure, and the question asked. */
    interface Answer {
        StreamSession.Local of(UserEntity.BindReply reply, Throwable failure, BindQuestion question);
    }
}
