package chorus.node.http;

import chorus.actors.upload.Slot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Uploaded files on this node's disk, one directory per slot token ({@code file} and {@code meta}).
 * Nothing names the uploader: {@code meta} holds the owner digest, the file name, type and size, and the
 * time it was stored. Files older than the retention are deleted by {@link #sweep()}.
 */
public final class UploadStore {
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    /** A stored file as the listener serves it. */
    public record Stored(Path file, String name, String contentType, long size) {
    }

    private final Path dir;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, AtomicLong> used = new ConcurrentHashMap<>();
    /** Uploads being received now: their directories are not the leftovers of an interrupted one. */
    private final java.util.Set<Path> incoming = ConcurrentHashMap.newKeySet();

    public UploadStore(Path dir, Duration retention, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.retention = retention;
        this.clock = clock;
        sweep();
    }

    /** Bytes the owner's files take here. */
    public long usedBy(String owner) {
        AtomicLong n = used.get(owner);
        return n == null ? 0 : n.get();
    }

    /**
     * Stores exactly {@code slot.size()} bytes from {@code body}; false (and nothing kept) when the body
     * is shorter or longer.
     */
    public boolean put(Slot slot, InputStream body) throws IOException {
        Path target = dir.resolve(slot.token());
        Path tmp;
        synchronized (this) {
            // With the sweep's lock: a sweep between the two would take the new directory for a crash's leftover.
            tmp = Files.createTempDirectory(dir, ".incoming-");
            incoming.add(tmp);
        }
        try {
            long n;
            try (OutputStream out = Files.newOutputStream(tmp.resolve("file"))) {
                n = copyAtMost(body, out, slot.size() + 1);
            }
            if (n != slot.size()) {
                return false;
            }
            Properties meta = new Properties();
            meta.setProperty("owner", slot.owner());
            meta.setProperty("name", slot.filename());
            if (slot.contentType() != null) {
                meta.setProperty("type", slot.contentType());
            }
            meta.setProperty("size", Long.toString(slot.size()));
            meta.setProperty("stored", Long.toString(clock.millis()));
            try (OutputStream out = Files.newOutputStream(tmp.resolve("meta"))) {
                meta.store(out, null);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            used.computeIfAbsent(slot.owner(), k -> new AtomicLong()).addAndGet(slot.size());
            return true;
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
            incoming.remove(tmp);
        }
    }

    /** The file stored under this token and name, if it is there and not expired. */
    public Optional<Stored> get(String token, String name) throws IOException {
        if (!TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Path d = dir.resolve(token);
        Properties meta = meta(d);
        if (meta == null || !name.equals(meta.getProperty("name")) || expired(meta)) {
            return Optional.empty();
        }
        return Optional.of(new Stored(d.resolve("file"), meta.getProperty("name"), meta.getProperty("type"),
            Long.parseLong(meta.getProperty("size"))));
    }

    /**
     * Deletes every file of this owner (a removed account), whatever its age; returns how many. An upload of
     * the owner still being received is not among them: its file is left to the sweep after the retention.
     */
    public synchronized int eraseOwner(String owner) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path d : all) {
                Properties meta = meta(d);
                if (meta != null && owner.equals(meta.getProperty("owner"))) {
                    deleteTree(d);
                    deleted++;
                }
            }
        }
        used.remove(owner);
        return deleted;
    }

    /**
     * Deletes every file older than the retention, and what an interrupted upload left (never an upload still
     * in progress); recounts usage.
     */
    public synchronized int sweep() throws IOException {
        int deleted = 0;
        Map<String, Long> counted = new ConcurrentHashMap<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path d : all) {
                if (incoming.contains(d)) {
                    continue; // an upload in progress (issue 14: the sweeper deleted it under the uploader)
                }
                Properties meta = meta(d);
                if (meta == null || expired(meta)) {
                    deleteTree(d);
                    deleted++;
                    continue;
                }
                counted.merge(meta.getProperty("owner"), Long.parseLong(meta.getProperty("size")), Long::sum);
            }
        }
        used.clear();
        counted.forEach((owner, n) -> used.put(owner, new AtomicLong(n)));
        return deleted;
    }

    private boolean expired(Properties meta) {
        Instant stored = Instant.ofEpochMilli(Long.parseLong(meta.getProperty("stored", "0")));
        return !stored.plus(retention).isAfter(clock.instant());
    }

    private static Properties meta(Path d) throws IOException {
        Path m = d.resolve("meta");
        if (!Files.isDirectory(d) || !Files.isRegularFile(m) || d.getFileName().toString().startsWith(".")) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(m)) {
            p.load(in);
        }
        return p.getProperty("size") == null || p.getProperty("owner") == null ? null : p;
    }

    private static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int r;
        while (total < limit && (r = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) != -1) {
            out.write(buf, 0, r);
            total += r;
        }
        return total;
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
                for (Path c : children) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
