package chorus.persistence.backup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The clear-text start of a backup file: magic, format version, how the key is derived (and scrypt's
 * parameters), and the file's random salt. Every chunk's authentication covers these bytes, so a changed
 * header is refused like a changed chunk.
 */
public record BackupHeader(int version, Kdf kdf, int logN, int r, int p, byte[] salt) {
    static final byte[] MAGIC = "CHORUSBK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int SALT = 32;

    public enum Kdf { KEY_FILE, SCRYPT }

    static BackupHeader fresh(BackupKey key) {
        byte[] salt = new byte[SALT];
        new SecureRandom().nextBytes(salt);
        if (key instanceof BackupKey.Passphrase p) {
            return new BackupHeader(VERSION, Kdf.SCRYPT, p.logN(), p.r(), p.p(), salt);
        }
        return new BackupHeader(VERSION, Kdf.KEY_FILE, 0, 0, 0, salt);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(version);
            out.writeByte(kdf.ordinal());
            out.writeByte(logN);
            out.writeByte(r);
            out.writeByte(p);
            out.write(salt);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static BackupHeader read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        d.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new BackupException("not a Chorus backup file");
        }
        int version = d.readUnsignedShort();
        if (version != VERSION) {
            throw new BackupException("backup format version " + version + " is not one this Chorus reads (" + VERSION + ")");
        }
        int kdf = d.readUnsignedByte();
        if (kdf >= Kdf.values().length) {
            throw new BackupException("unknown key derivation " + kdf);
        }
        int logN = d.readUnsignedByte();
        int r = d.readUnsignedByte();
        int p = d.readUnsignedByte();
        // Bounds so a hostile header cannot make the restore spend unbounded memory or time.
        if (kdf == Kdf.SCRYPT.ordinal() && (logN < 14 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16)) {
            throw new BackupException("scrypt parameters out of range: N=2^" + logN + " r=" + r + " p=" + p);
        }
        byte[] salt = new byte[SALT];
        d.readFully(salt);
        return new BackupHeader(version, Kdf.values()[kdf], logN, r, p, salt);
    }

    @Override
    public String toString() {
        return "BackupHeader[v" + version + " " + kdf + (kdf == Kdf.SCRYPT ? " N=2^" + logN + " r=" + r + " p=" + p : "") + "]";
    }
}
