package chorus.actors.account;

import chorus.actors.ClusterMessage;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * An account's stored secret: its password as SCRAM-SHA-1 and SCRAM-SHA-256 keys, each with its own random salt.
 * No plaintext or reversible form of the password exists anywhere; PLAIN logins are checked against these keys.
 */
public record Credentials(ScramCredentials sha1, ScramCredentials sha256) implements ClusterMessage {

    /** The lowest PBKDF2 iteration count accepted when deriving keys (RFC 7677 §4 recommends at least 4096). */
    public static final int MIN_ITERATIONS = 4096;
    /** Length of each random salt, in bytes. */
    public static final int SALT_BYTES = 16;

    public Credentials {
        Objects.requireNonNull(sha1, "sha1");
        Objects.requireNonNull(sha256, "sha256");
        if (sha1.hash() != ScramHash.SHA_1 || sha256.hash() != ScramHash.SHA_256) {
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

    /** The keys for one hash. */
    public ScramCredentials scram(ScramHash hash) {
        return hash == ScramHash.SHA_1 ? sha1 : sha256;
    }

    /** True if a PLAIN password matches (checked against the SCRAM-SHA-256 keys, in constant time). */
    public boolean verifyPlain(String password) {
        return sha256.verify(password);
    }

    /** Never prints salts or keys. */
    @Override
    public String toString() {
        return "Credentials[" + sha1 + ", " + sha256 + "]";
    }
}
