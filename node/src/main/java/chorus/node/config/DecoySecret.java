package chorus.node.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret from which SCRAM answers for accounts that do not exist are derived, so that a login
 * attempt cannot tell a missing account from a wrong password. Every node of a cluster must use the
 * same one: set {@code chorus.sasl.decoy-secret} (hex); a single node keeps a random one in its data
 * directory.
 */
public final class DecoySecret {
    static final String FILE = "sasl-decoy.secret";

    private DecoySecret() {
    }

    public static byte[] load(Settings settings) throws IOException {
        String configured = settings.config().getString("chorus.sasl.decoy-secret");
        if (!configured.isBlank()) {
            try {
                byte[] b = HexFormat.of().parseHex(configured.trim());
                if (b.length < 16) {
                    throw new SettingsException("chorus.sasl.decoy-secret", "needs at least 16 bytes (32 hex digits)");
                }
                return b;
            } catch (IllegalArgumentException e) {
                throw new SettingsException("chorus.sasl.decoy-secret", "is not hexadecimal");
            }
        }
        Path file = settings.dataDir().resolve(FILE);
        if (Files.exists(file)) {
            return HexFormat.of().parseHex(Files.readString(file).trim());
        }
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        Files.createDirectories(settings.dataDir());
        Path tmp = Files.createTempFile(settings.dataDir(), "decoy", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: the data directory's permissions protect it
        }
        Files.writeString(tmp, HexFormat.of().formatHex(b));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return b;
    }
}
