package chorus.node.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that authorizes chorusctl, the web admin and (unless turned off) metrics scrapes: random, or
 * the admin's own ({@code chorus.admin.token}), written at node start to {@code data-dir/admin.token}
 * readable by the node's user only.
 */
public record AdminToken(String value) {
    public static final String FILE = "admin.token";

    public static AdminToken createIn(Path dataDir) throws IOException {
        return createIn(dataDir, "");
    }

    /**
     * Writes the token the admin chose ({@code chorus.admin.token}, the same on every start, as a scraper
     * needs it) or, when {@code fixed} is empty, a new random one.
     */
    public static AdminToken createIn(Path dataDir, String fixed) throws IOException {
        String v;
        if (fixed.isEmpty()) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            v = HexFormat.of().formatHex(b);
        } else {
            v = fixed;
        }
        Files.createDirectories(dataDir);
        Path tmp = Files.createTempFile(dataDir, "admin", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions protect the file
        }
        Files.writeString(tmp, v);
        Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new AdminToken(v);
    }

    public static AdminToken readFrom(Path dataDir) throws IOException {
        return new AdminToken(Files.readString(dataDir.resolve(FILE)).trim());
    }

    /** Whether an HTTP Authorization header carries this token as a bearer token (compared in constant time). */
    public boolean matches(String authorization) {
        byte[] given = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0]
            : authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return matchesSecret(given);
    }

    /** Whether {@code given} is this token (constant time). */
    public boolean matchesSecret(byte[] given) {
        return given.length > 0 && MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "AdminToken[hidden]";
    }
}
