package chorus.persistence.backup;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where a backup's key comes from: a 32-byte key file, or a passphrase stretched with scrypt (RFC 7914),
 * whose parameters travel in the file's header. Either way each file gets its own AES-256 key, derived with
 * HKDF-SHA-256 (RFC 5869) from the master key and the file's random salt, so chunk nonces never repeat
 * under one key.
 */
public sealed interface BackupKey {
    /** scrypt cost for new backups: N = 2^17, r = 8, p = 1 (128 MiB and about a second per derivation). */
    int LOG_N = 17;
    int R = 8;
    int P = 1;

    /** A raw 256-bit key (from {@link #readKeyFile}). */
    record Raw(byte[] key) implements BackupKey {
        public Raw {
            if (key.length != 32) {
                throw new IllegalArgumentException("a backup key is 32 bytes, not " + key.length);
            }
            key = key.clone();
        }

        @Override
        public String toString() {
            return "BackupKey.Raw[hidden]";
        }
    }

    /** A passphrase; stretched with scrypt at the cost given (new files) or read from the header (existing ones). */
    record Passphrase(char[] passphrase, int logN, int r, int p) implements BackupKey {
        public Passphrase {
            if (passphrase.length == 0) {
                throw new IllegalArgumentException("empty passphrase");
            }
            passphrase = passphrase.clone();
        }

        public Passphrase(char[] passphrase) {
            this(passphrase, LOG_N, R, P);
        }

        @Override
        public String toString() {
            return "BackupKey.Passphrase[hidden, scrypt N=2^" + logN + " r=" + r + " p=" + p + "]";
        }
    }

    /** A key file holds 32 random bytes as 64 hex digits (a trailing newline is allowed). */
    static Raw readKeyFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return new Raw(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a backup key (64 hex digits: chorusctl backup keygen FILE)");
        }
    }

    /** Writes a new random key file readable by its owner only; refuses to overwrite one. */
    static void writeNewKeyFile(Path file) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        Arrays.fill(key, (byte) 0);
    }

    /** The file key: HKDF over the master key (raw, or scrypt of the passphrase with the header's parameters). */
    static byte[] fileKey(BackupKey key, BackupHeader header) {
        byte[] master;
        if (key instanceof Raw raw) {
            if (header.kdf() != BackupHeader.Kdf.KEY_FILE) {
                throw new BackupException("this backup was made with a passphrase, not a key file");
            }
            master = raw.key().clone();
        } else {
            Passphrase p = (Passphrase) key;
            if (header.kdf() != BackupHeader.Kdf.SCRYPT) {
                throw new BackupException("this backup was made with a key file, not a passphrase");
            }
            byte[] pass = new String(p.passphrase()).getBytes(StandardCharsets.UTF_8);
            master = SCrypt.generate(pass, header.salt(), 1 << header.logN(), header.r(), header.p(), 32);
            Arrays.fill(pass, (byte) 0);
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(master, header.salt(), "chorus backup v1 aes-256-gcm".getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, 32);
        Arrays.fill(master, (byte) 0);
        return out;
    }
}
