package chorus.node.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node hit by an error it cannot recover from, or whose stop hangs, ends its process by itself so that
 * systemd or Kubernetes can start a healthy one (issue 14: after an OutOfMemoryError the node served no
 * one, and SIGTERM left it hanging until SIGKILL).
 */
class NodeExitIT {
    /** A node allowed 64 MiB stanzas with a 128 MiB heap: one big stanza runs it out of memory. */
    static final Map<String, String> TOO_BIG_FOR_ITS_HEAP = Map.of("chorus.c2s.max-stanza-size", "64MiB",
        "pekko.remote.artery.advanced.maximum-frame-size", "128MiB", "chorus.c2s.rate.byte-burst", "64MiB",
        "chorus.http.bosh.max-queued", "64MiB");

    static void sendAHugeStanza(AttackTarget node) throws IOException {
        try (RawClient raw = RawClient.connect(node.c2sPort)) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.send("<message><body>");
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 60; i++) {
                raw.send(chunk);
            }
        } catch (IOException gone) {
            // the node went away while reading: what this test expects
        }
    }

    static int exitWithin(AttackTarget node, int seconds) throws Exception {
        assertTrue(node.process.process.waitFor(seconds, TimeUnit.SECONDS), "the node still runs");
        return node.process.process.exitValue();
    }

    @Test
    void aNodeStartedAsTheScriptsStartItExitsWhenItRunsOutOfMemory() throws Exception {
        try (AttackTarget node = AttackTarget.start("128m", TOO_BIG_FOR_ITS_HEAP)) {
            sendAHugeStanza(node);
            int status = exitWithin(node, 60);
            String out = node.process.outputSinceStart();
            assertEquals(3, status, out);
            assertTrue(out.contains("OutOfMemoryError"), out);
        }
    }

    @Test
    void withoutTheJvmFlagAnOutOfMemoryErrorInANettyThreadStillEndsTheNode() throws Exception {
        try (AttackTarget node = AttackTarget.start("128m", TOO_BIG_FOR_ITS_HEAP, List.of("-XX:-ExitOnOutOfMemoryError"))) {
            sendAHugeStanza(node);
            int status = exitWithin(node, 60);
            String out = node.process.outputSinceStart();
            assertEquals(4, status, out);
            assertTrue(out.contains("fatal error java.lang.OutOfMemoryError"), out);
        }
    }

    @Test
    void aStopThatHangsEndsAtTheShutdownDeadline() throws Exception {
        try (AttackTarget node = AttackTarget.start("256m", Map.of("chorus.shutdown-deadline", "5s"),
            List.of("-Dchorus.test.stall-shutdown=true"))) {
            long start = System.nanoTime();
            node.process.process.toHandle().destroy(); // SIGTERM (Process.destroy would also close its output)
            int status = exitWithin(node, 30);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String out = node.process.outputSinceStart();
            assertEquals(4, status, out);
            assertTrue(out.contains("did not stop within chorus.shutdown-deadline"), out);
            assertTrue(took >= 4_500 && took < 20_000, "exited after " + took + " ms");
            System.out.println("stuck stop: exited " + took + " ms after SIGTERM, status " + status);
        }
    }
}
