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
 * (a few seconds with the node lease, chorus.cluster.lease), a question sent to an entity of that node is lost on
 * the way; asked again when the node is removed and every {@link #TRY}, it reaches the entity once the cluster has
 * started it elsewhere, and the login succeeds instead of failing with temporary-auth-failure. Asking twice is
 * harmless: the question only reads.
 */
public final class CredentialsLookup {
    /** How long one question waits for its answer before it is asked again. */
    static final Duration TRY = Duration.ofSeconds(4);
    /** How long one question waits once a member was removed while it was asked: the cluster is moving shards. */
    static final Duration AFTER_REMOVAL = Duration.ofSeconds(1);

    private CredentialsLookup() {
    }

    /**
     * The entity's answer, or a {@link TimeoutException} once {@code timeout} has passed without one. A question in
     * flight when a member is removed is asked again at once ({@link MemberRemovals}): it may have gone to that node.
     */
    public static CompletionStage<UserEntity.CredentialsReply> ask(RecipientRef<UserEntity.Command> entity,
                                                                   Duration timeout, Scheduler scheduler,
                                                                   MemberRemovals removals) {
        return ask(entity, System.nanoTime() + timeout.toNanos(), TRY, scheduler, removals);
    }

    /** One answer, a failure, or the news that a member was removed. */
    private static final Object MOVED = new Object();

    static CompletionStage<UserEntity.CredentialsReply> ask(RecipientRef<UserEntity.Command> entity, long deadline,
                                                            Duration perTry, Scheduler scheduler,
                                                            MemberRemovals removals) {
        long left = deadline - System.nanoTime();
        Duration wait = Duration.ofNanos(Math.max(1_000_000, Math.min(left, perTry.toNanos())));
        CompletableFuture<Object> first = new CompletableFuture<>();
        Runnable stopWaiting = removals.onNext(() -> first.complete(MOVED));
        AskPattern.<UserEntity.Command, UserEntity.CredentialsReply>ask(entity, UserEntity.GetCredentials::new,
                wait, scheduler)
            .whenComplete((reply, failure) -> first.complete(failure == null ? reply : failure));
        return first.thenCompose(outcome -> {
            stopWaiting.run();
            boolean timeLeft = deadline - System.nanoTime() > 0;
            if (outcome instanceof UserEntity.CredentialsReply reply) {
                return CompletableFuture.completedFuture(reply);
            }
            if (outcome == MOVED && timeLeft) {
                // The region may hear of the removal after this node's listener: a question sent at once can still
                // go to the dead node. From now on, ask every second until the entity answers.
                Duration faster = perTry.compareTo(AFTER_REMOVAL) < 0 ? perTry : AFTER_REMOVAL;
                return ask(entity, deadline, faster, scheduler, removals);
            }
            if (outcome != MOVED && timedOut((Throwable) outcome) && timeLeft) {
                return ask(entity, deadline, perTry, scheduler, removals);
            }
            return CompletableFuture.<UserEntity.CredentialsReply>failedFuture(outcome == MOVED
                ? new TimeoutException("no answer within the lookup timeout") : (Throwable) outcome);
        });
    }

    private static boolean timedOut(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        return t instanceof TimeoutException;
    }
}
