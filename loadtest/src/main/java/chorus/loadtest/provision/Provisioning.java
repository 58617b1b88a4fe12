package chorus.loadtest.provision;

import chorus.loadtest.client.SetupFailure;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * One asynchronous creation per account, at most {@code parallel} in flight, each counted as created,
 * existing or failed (by reason): the loop both the admin API and in-band registration run.
 */
final class Provisioning {
    enum Outcome { CREATED, EXISTING }

    private Provisioning() {
    }

    /** {@code create.apply(i)} starts account {@code i}; a failure's reason is its {@link SetupFailure} tag or its type. */
    static ProvisionResult run(int count, int parallel, IntConsumer progress, IntFunction<CompletionStage<Outcome>> create)
        throws InterruptedException {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
        }
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(parallel);
        AtomicLong created = new AtomicLong();
        AtomicLong existing = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            CompletionStage<Outcome> started;
            try {
                started = create.apply(i);
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            started.whenComplete((outcome, err) -> {
                try {
                    if (err != null) {
                        failed.incrementAndGet();
                        failures.merge(reason(err), 1L, Long::sum);
                    } else {
                        (outcome == Outcome.EXISTING ? existing : created).incrementAndGet();
                    }
                } finally {
                    slots.release();
                    progress.accept((int) done.incrementAndGet());
                }
            });
        }
        slots.acquire(parallel);
        return new ProvisionResult(created.get(), existing.get(), failed.get(), new TreeMap<>(failures),
            (System.nanoTime() - t0) / 1e9);
    }

    private static String reason(Throwable err) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return c instanceof SetupFailure sf ? sf.reason() : c.getClass().getSimpleName();
    }
}
