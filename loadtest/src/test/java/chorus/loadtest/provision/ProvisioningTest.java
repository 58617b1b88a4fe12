package chorus.loadtest.provision;

import chorus.loadtest.client.SetupFailure;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvisioningTest {
    @Test
    void eachAccountIsCountedAsCreatedExistingOrFailedByReason() throws Exception {
        List<Integer> progress = new ArrayList<>();
        ProvisionResult r = Provisioning.run(6, 2, progress::add, i -> switch (i % 3) {
            case 0 -> CompletableFuture.completedFuture(Provisioning.Outcome.CREATED);
            case 1 -> CompletableFuture.completedFuture(Provisioning.Outcome.EXISTING);
            default -> CompletableFuture.failedFuture(new SetupFailure("http-503"));
        });
        assertEquals(2, r.created());
        assertEquals(2, r.existing());
        assertEquals(2, r.failed());
        assertEquals(Map.of("http-503", 2L), r.failures());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), progress);
    }

    @Test
    void noMoreThanParallelCreationsAreInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ProvisionResult r = Provisioning.run(40, 3, n -> { }, i -> CompletableFuture.supplyAsync(() -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return Provisioning.Outcome.CREATED;
        }, pool));
        pool.shutdown();
        assertEquals(40, r.created());
        assertTrue(most.get() <= 3, "at most 3 in flight, saw " + most.get());
    }

    @Test
    void parallelBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> Provisioning.run(1, 0, n -> { }, i -> CompletableFuture.completedFuture(Provisioning.Outcome.CREATED)));
    }
}
