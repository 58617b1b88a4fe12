package chorus.loadtest.provision;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.Connector;
import chorus.loadtest.client.SetupFailure;
import chorus.loadtest.client.XmppSession;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Creates accounts on any server that allows XEP-0077 in-band registration: one connection per
 * account, TLS, then the registration IQ instead of SASL. An existing account (conflict) counts as done.
 */
public final class InBandRegistration {
    private InBandRegistration() {
    }

    public static ProvisionResult registerAll(Connector connector, Accounts accounts, int parallel, IntConsumer progress)
        throws InterruptedException {
        long t0 = System.nanoTime();
        Semaphore slots = new Semaphore(parallel);
        AtomicLong created = new AtomicLong();
        AtomicLong existing = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong done = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        for (int i = 0; i < accounts.count(); i++) {
            slots.acquire();
            XmppSession s = connector.open(i, accounts.get(i), XmppSession.Purpose.REGISTER, null);
            s.ready().whenComplete((ok, err) -> {
                try {
                    if (err == null) {
                        (ok.existed() ? existing : created).incrementAndGet();
                        ok.close(null);
                    } else {
                        failed.incrementAndGet();
                        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                        failures.merge(c instanceof SetupFailure sf ? sf.reason() : c.getClass().getSimpleName(), 1L, Long::sum);
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
}
