package chorus.actors.account;

import chorus.actors.ClusterMessage;

import java.security.SecureRandom;

/**
 * An account's stored secret: its password as SCRAM-SHA-1 and SCRAM-SHA-256 keys, each with its own random salt.
 * No plaintext or reversible form of the password exists anywhere; PLAIN logins are checked against these keys.
 *
 * <p>Every password set on this server has both. An account imported from another server (XEP-0227) may come with
 * the keys of one hash only (Prosody keeps SCRAM-SHA-1 keys alone by default): it logs in with that SCRAM mechanism
 * and PLAIN, the other SCRAM mechanism fails as a wrong password does, and the next password change gives it both.
 */
public record Credentials(ScramCredentials sha1, ScramCredentials sha256) implements ClusterMessage {

    /** The lowest PBKDF2 iteration count accepted when deriving keys (RFC 7677 §4 recommends at least 4096). */
    public static final int MIN_ITERATIONS = 4096;
    /** Length of each random salt, in bytes. */
    public static final int SALT_BYTES = 16;

    public Credentials {
        if (sha1 == null && sha256 == null) {
            throw new IllegalArgumentException("credentials need the keys of at least one hash");
        }
        if (sha1 != null && sha1.hash() != ScramHash.SHA_1 || sha256 != null && sha256.hash() != ScramHash.SHA_256) {
            throw new IllegalArgumentException("credentials given for the wrong hash");
        }
    }

    /**
     * Derives both hashes' keys from a password, each with a fresh {@value #SALT_BYTES}-byte salt from rnd.
     *
     * @throws IllegalArgumentException if iterations is below {@value #MIN_ITERATIONS} or the password is empty
     *                                  or not a valid PRECIS OpaqueString
     */
    public static Credentials derive(String password, int iterations, SecureRandom rnd) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations are required");
        }
        return new Credentials(
                ScramCredentials.derive(ScramHash.SHA_1, password, salt(rnd), iterations),
                ScramCredentials.derive(ScramHash.SHA_256, password, salt(rnd), iterations));
    }

    private static byte[] salt(SecureRandom rnd) {
        byte[] salt = new byte[SALT_BYTES];
        rnd.nextBytes(salt);
        return salt;
    }

    /** The keys for one hash, or null when the account has none for it (see the class comment). */
    public ScramCredentials scram(ScramHash hash) {
        return hash == ScramHash.SHA_1 ? sha1 : sha256;
    }

    /** Whether the keys of both hashes are here (every password set on this server). */
    public boolean complete() {
        return sha1 != null && sha256 != null;
    }

    /** True if a PLAIN password matches (checked against the SCRAM-SHA-256 keys, or the SHA-1 ones, in constant time). */
    public boolean verifyPlain(String password) {
        return (sha256 != null ? sha256 : sha1).verify(password);
    }

    /** Never prints salts or keys. */
    @Override
    public String toString() {
        return "Credentials[" + sha1 + ", " + sha256 + "]";
    }
}
