package chorus.node.login;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's password-hashing pool: PBKDF2 (a PLAIN login's check, a new password's keys) runs here, never on the
 * actors' threads, on a few threads with a bounded queue. Work past the queue is refused at once
 * ({@link java.util.concurrent.RejectedExecutionException}): a flood of PLAIN logins costs at most these threads,
 * and the logins beyond the queue are told to try again later.
 */
public final class HashingPool {
    private HashingPool() {
    }

    /** {@code work} on the pool; a full pool gives a future failed with RejectedExecutionException, never a throw. */
    public static <T> CompletableFuture<T> supply(Executor pool, Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(full);
        }
    }

    public static ExecutorService create(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
            r -> {
                Thread t = new Thread(r, "chorus-password-hashing-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
    }
}
