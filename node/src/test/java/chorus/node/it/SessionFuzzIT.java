package chorus.node.it;

import chorus.node.stream.StreamFuzz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated hostile input (StreamFuzz) against a whole node: the real decoder, the real session actor,
 * routing and storage, over real sockets from three connections at a time. Each input goes on a stream of
 * its own, before authentication (three in four) or on a bound session, followed by the end of the stream;
 * the node must answer each with a stream error or a normal end of the stream (a stanza that was never
 * finished gets the negotiation timeout before authentication, and is left waiting after it), nobody else
 * may notice, and the heap must come back. {@code -Dchorus.fuzz.session-inputs=N} (default 600) for longer
 * runs (scripts/fuzz.sh).
 */
class SessionFuzzIT {
    static TestNode node;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.c2s.negotiation-timeout", "3s"));
        node.createUser("mallory", "evil");
        node.createUser("bob", "builder");
        node.createUser("alice", "pw");
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static long heapAfterGc() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            m.gc();
            least = Math.min(least, m.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    enum Outcome { ERROR, CLOSED, WAITING }

    static Outcome feed(byte[] input, boolean bound) throws Exception {
        try (RawClient c = bound
            ? RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, "mallory", "evil", "f" + System.nanoTime())
            : RawClient.connect(node.c2sPort())) {
            if (!bound) {
                c.send(RawClient.header(TestNode.DOMAIN));
                c.await("</stream:features>", Duration.ofSeconds(10));
            }
            try {
                c.send(input);
                c.send("</stream:stream>");
            } catch (IOException closedEarly) {
                // the node ended the stream before it had all of it
            }
            boolean closed = c.closedWithin(Duration.ofSeconds(bound ? 5 : 10));
            String all = c.all();
            if (all.contains("</stream:error>")) {
                return Outcome.ERROR;
            }
            if (closed) {
                return Outcome.CLOSED;
            }
            assertTrue(bound, "an unauthenticated stream was neither answered nor timed out: " + tail(all));
            return Outcome.WAITING;
        }
    }

    static String tail(String s) {
        return s.length() < 400 ? s : s.substring(s.length() - 400);
    }

    @Test
    void everyGeneratedInputIsAnsweredAndTheNodeKeepsServing() throws Exception {
        int inputs = Integer.getInteger("chorus.fuzz.session-inputs", 600);
        long seed = Long.getLong("chorus.fuzz.seed", 14L);
        long before = heapAfterGc();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger waiting = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    StreamFuzz fuzz = new StreamFuzz(seed * 31 + thread);
                    for (int i = thread; i < inputs; i += 3) {
                        byte[] in = fuzz.next();
                        Outcome o = feed(in, i % 4 == 3);
                        (o == Outcome.ERROR ? errors : o == Outcome.CLOSED ? closed : waiting).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.HOURS);
            }
        } finally {
            pool.shutdownNow();
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(inputs, errors.get() + closed.get() + waiting.get());
        AttackTarget.aRealClientStillWorksIn(node, "alice", "pw", "bob", "builder");
        long grown = heapAfterGc() - before;
        System.out.printf("session fuzz: %d inputs (seed %d) in %d ms: %d stream errors, %d normal ends, %d left waiting"
            + " (bound, unfinished), 0 crashes, heap after GC %+.1f MiB%n", inputs, seed, took, errors.get(), closed.get(),
            waiting.get(), grown / 1048576.0);
        assertTrue(grown < 64L * 1024 * 1024, "the heap grew by " + grown + " bytes");
    }
}
