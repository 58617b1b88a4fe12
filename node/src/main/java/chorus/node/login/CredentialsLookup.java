package chorus.node.login;

import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * A login's question to its account's entity, asked again while the entity cannot answer, for at most the lookup
 * timeout ({@code chorus.c2s.login-lookup-timeout}). While a node that died is being downed and its shards moved
 * (issue 18: about twenty seconds), a question sent to an entity of that node is lost on the way; asked again
 * every {@link #TRY}, it reaches the entity once the cluster has started it elsewhere, and the login succeeds
 * instead of failing with temporary-auth-failure. Asking twice is harmless: the question only reads.
 */
public final class CredentialsLookup {
    /** How long one question waits for its answer before it is asked again. */
    static final Duration TRY = Duration.ofSeconds(4);

    private CredentialsLookup() {
    }

    /** The entity's answer, or a {@link TimeoutException} once {@code timeout} has passed without one. */
    public static CompletionStage<UserEntity.CredentialsReply> ask(RecipientRef<UserEntity.Command> entity,
                                                                   Duration timeout, Scheduler scheduler) {
        return ask(entity, System.nanoTime() + timeout.toNanos(), TRY, scheduler);
    }

    static CompletionStage<UserEntity.CredentialsReply> ask(RecipientRef<UserEntity.Command> entity, long deadline,
                                                            Duration perTry, Scheduler scheduler) {
        long left = deadline - System.nanoTime();
        Duration wait = Duration.ofNanos(Math.max(1_000_000, Math.min(left, perTry.toNanos())));
        return AskPattern.<UserEntity.Command, UserEntity.CredentialsReply>ask(entity, UserEntity.GetCredentials::new,
                wait, scheduler)
            .handle((reply, failure) -> {
                if (failure == null) {
                    return CompletableFuture.completedFuture(reply);
                }
                if (timedOut(failure) && deadline - System.nanoTime() > 0) {
                    return ask(entity, deadline, perTry, scheduler);
                }
                return CompletableFuture.<UserEntity.CredentialsReply>failedFuture(failure);
            })
            .thenCompose(next -> next);
    }

    private static boolean timedOut(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        return t instanceof TimeoutException;
    }
}
