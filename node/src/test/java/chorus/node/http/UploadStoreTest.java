package chorus.node.http;

import chorus.actors.upload.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files on disk: exactly the announced size is kept, counted per owner, and gone after the retention. */
class UploadStoreTest {
    @TempDir
    Path dir;

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock();

    Slot slot(String token, long size) {
        return new Slot(token, "0123456789abcdef0123456789abcdef", "photo.jpg", size, "image/jpeg",
            clock.now.plusSeconds(300));
    }

    @Test
    void onlyABodyOfTheAnnouncedSizeIsKept() throws Exception {
        UploadStore store = new UploadStore(dir, Duration.ofHours(72), clock);
        assertFalse(store.put(slot("AAAAAAAAAAAAAAAAAAAAAAAA", 10), new ByteArrayInputStream(new byte[9])), "short");
        assertFalse(store.put(slot("BBBBBBBBBBBBBBBBBBBBBBBB", 10), new ByteArrayInputStream(new byte[11])), "long");
        assertTrue(store.put(slot("CCCCCCCCCCCCCCCCCCCCCCCC", 10), new ByteArrayInputStream(new byte[10])));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count(), "refused uploads leave nothing behind");
        }
        assertEquals(10, store.usedBy("0123456789abcdef0123456789abcdef"));
        assertTrue(store.get("CCCCCCCCCCCCCCCCCCCCCCCC", "photo.jpg").isPresent());
        assertTrue(store.get("CCCCCCCCCCCCCCCCCCCCCCCC", "other.jpg").isEmpty(), "the name is part of the address");
        assertTrue(store.get("../CCCCCCCCCCCCCCCCCCCCCC", "photo.jpg").isEmpty(), "tokens are checked before any path is built");
    }

    @Test
    void filesOlderThanTheRetentionAreDeletedFromDisk() throws Exception {
        UploadStore store = new UploadStore(dir, Duration.ofHours(72), clock);
        store.put(slot("DDDDDDDDDDDDDDDDDDDDDDDD", 5), new ByteArrayInputStream(new byte[5]));
        clock.now = clock.now.plus(Duration.ofHours(71));
        assertEquals(0, store.sweep());
        clock.now = clock.now.plus(Duration.ofHours(2));
        assertTrue(store.get("DDDDDDDDDDDDDDDDDDDDDDDD", "photo.jpg").isEmpty(), "expired files are not served");
        assertEquals(1, store.sweep());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the bytes are gone from disk");
        }
        assertEquals(0, store.usedBy("0123456789abcdef0123456789abcdef"));
    }

    @Test
    void anUploadInProgressIsNotSweptAndAnInterruptedOnesLeftoversAre() throws Exception {
        UploadStore store = new UploadStore(dir, Duration.ofHours(72), clock);
        java.io.PipedOutputStream client = new java.io.PipedOutputStream();
        java.io.PipedInputStream body = new java.io.PipedInputStream(client, 1024);
        java.util.concurrent.CompletableFuture<Boolean> stored = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return store.put(slot("DDDDDDDDDDDDDDDDDDDDDDDD", 2000), body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        client.write(new byte[1000]);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!receiving(dir) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(receiving(dir), "the upload started");
        Files.createDirectories(dir.resolve(".incoming-left-by-a-crash"));
        assertEquals(1, store.sweep(), "only the leftover is deleted");
        client.write(new byte[1000]);
        client.close();
        assertTrue(stored.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(store.get("DDDDDDDDDDDDDDDDDDDDDDDD", "photo.jpg").isPresent());
    }

    static boolean receiving(Path dir) throws java.io.IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.anyMatch(p -> p.getFileName().toString().startsWith(".incoming-"));
        }
    }
}
