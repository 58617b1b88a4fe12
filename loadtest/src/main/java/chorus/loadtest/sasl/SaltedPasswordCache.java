package chorus.loadtest.sasl;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * SaltedPassword per account, salt and iteration count, so a repeated login skips Hi(): RFC 5802 §5.1
 * lets a client cache what it derived, since the server offers the same salt again. With thousands
 * of logins per second on the server's machine the 4096+ iterations would otherwise cost the
 * generator more CPU than the server spends. Optionally kept in a file (mode 600) across runs; the
 * file holds password-equivalent keys of the test accounts and no passwords.
 */
public final class SaltedPasswordCache {
    private final Map<String, byte[]> entries = new ConcurrentHashMap<>();
    private final Path file;
    private final boolean enabled;
    private Writer appender;

    private SaltedPasswordCache(Path file, boolean enabled) {
        this.file = file;
        this.enabled = enabled;
    }

    /** No caching: every login derives its key, as a client that remembers nothing. */
    public static SaltedPasswordCache disabled() {
        return new SaltedPasswordCache(null, false);
    }

    public static SaltedPasswordCache inMemory() {
        return new SaltedPasswordCache(null, true);
    }

    /** A cache that starts with the file's entries and appends new ones to it. */
    public static SaltedPasswordCache inFile(Path file) throws IOException {
        SaltedPasswordCache c = new SaltedPasswordCache(file, true);
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines) {
                int sp = line.lastIndexOf(' ');
                if (sp > 0) {
                    try {
                        c.entries.put(line.substring(0, sp), Base64.getDecoder().decode(line.substring(sp + 1)));
                    } catch (IllegalArgumentException torn) {
                        // a line cut short by a killed run: derive that one again
                    }
                }
            }
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return c;
    }

    public int size() {
        return entries.size();
    }

    byte[] saltedPassword(ScramHash hash, String username, String password, byte[] salt, int iterations,
                          Supplier<byte[]> derive) {
        if (!enabled) {
            return derive.get();
        }
        String key = hash + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
            + username.replace(' ', '_') + ":" + fingerprint(password);
        byte[] v = entries.get(key);
        if (v != null) {
            return v;
        }
        v = derive.get();
        entries.put(key, v);
        append(key, v);
        return v;
    }

    private synchronized void append(String key, byte[] value) {
        if (file == null) {
            return;
        }
        try {
            if (appender == null) {
                appender = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
            }
            appender.write(key + " " + Base64.getEncoder().encodeToString(value) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the SCRAM cache " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes what was appended. */
    public synchronized void flush() throws IOException {
        if (appender != null) {
            appender.flush();
        }
    }

    /** Tells a changed password apart without writing it down. */
    private static String fingerprint(String password) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SaltedPasswordCache[" + entries.size() + (file == null ? "" : " " + file) + "]";
    }
}
