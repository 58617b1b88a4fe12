package chorus.node.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that authorizes chorusctl: random, written at node start to {@code data-dir/admin.token}
 * readable by the node's user only.
 */
public record AdminToken(String value) {
    public static final String FILE = "admin.token";

    public static AdminToken createIn(Path dataDir) throws IOException {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        String v = HexFormat.of().formatHex(b);
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

    @Override
    public String toString() {
        return "AdminToken[hidden]";
    }
}
