package chorus.actors.account;

import chorus.actors.ClusterMessage;
import rocks.xmpp.precis.PrecisProfiles;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the server keeps of a password for one SCRAM hash (RFC 5802 §3): the salt, the iteration count, StoredKey
 * and ServerKey. The password cannot be recovered from it; a client proof or a PLAIN password can be checked
 * against it.
 */
public record ScramCredentials(ScramHash hash, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey)
        implements ClusterMessage {

    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    /**
     * Checks the shape only. The iteration minimum is enforced where keys are derived, not here, so that stored
     * credentials stay readable if the minimum is ever raised.
     */
    public ScramCredentials {
        Objects.requireNonNull(hash, "hash");
        salt = Objects.requireNonNull(salt, "salt").clone();
        storedKey = Objects.requireNonNull(storedKey, "storedKey").clone();
        serverKey = Objects.requireNonNull(serverKey, "serverKey").clone();
        if (salt.length == 0) {
            throw new IllegalArgumentException("empty salt");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iteration count must be positive");
        }
        if (storedKey.length != hash.length() || serverKey.length != hash.length()) {
            throw new IllegalArgumentException("key length does not match " + hash.mechanism());
        }
    }

    /**
     * Derives the keys of RFC 5802 §3 from a password: SaltedPassword = Hi(password, salt, i),
     * ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey),
     * ServerKey = HMAC(SaltedPassword, "Server Key"). The password is prepared first (see {@link #preparePassword}).
     *
     * @throws IllegalArgumentException if the password is not a valid OpaqueString or iterations is below
     *                                  {@link Credentials#MIN_ITERATIONS}
     */
    public static ScramCredentials derive(ScramHash hash, String password, byte[] salt, int iterations) {
        if (iterations < Credentials.MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + Credentials.MIN_ITERATIONS + " iterations are required");
        }
        return compute(hash, preparePassword(password), salt, iterations);
    }

    private static ScramCredentials compute(ScramHash hash, String preparedPassword, byte[] salt, int iterations) {
        byte[] salted = hash.saltedPassword(preparedPassword, salt, iterations);
        try {
            return new ScramCredentials(hash, salt, iterations, hash.hash(hash.hmac(salted, CLIENT_KEY)),
                    hash.hmac(salted, SERVER_KEY));
        } finally {
            Arrays.fill(salted, (byte) 0);
        }
    }

    /**
     * True if the password yields this StoredKey, compared in constant time. False too for a password that is not
     * a valid OpaqueString, since no stored password can be one.
     */
    public boolean verify(String password) {
        if (password == null) {
            return false;
        }
        String prepared;
        try {
            prepared = preparePassword(password);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(compute(hash, prepared, salt, iterations).storedKey, storedKey);
    }

    /**
     * Prepares a password with the PRECIS OpaqueString profile (RFC 8265 §4.2). RFC 5802 §2.2 and RFC 7677 name
     * SASLprep (RFC 4013), which RFC 8265 obsoletes with OpaqueString; the two agree on the passwords people use
     * (ASCII, NFC text), and OpaqueString is what current XMPP servers and clients apply.
     *
     * @throws IllegalArgumentException if the password is empty or has characters OpaqueString disallows; the
     *                                  message never contains the password
     */
    static String preparePassword(String password) {
        Objects.requireNonNull(password, "password");
        try {
            return PrecisProfiles.OPAQUE_STRING.enforce(password);
        } catch (IllegalArgumentException e) {
            // The library's message may quote the offending character: do not pass it on.
            throw new IllegalArgumentException("password is not a valid PRECIS OpaqueString");
        }
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredentials c && hash == c.hash && iterations == c.iterations
                && Arrays.equals(salt, c.salt) && Arrays.equals(storedKey, c.storedKey)
                && Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hash, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey),
                Arrays.hashCode(serverKey));
    }

    /** Never prints the salt or the keys. */
    @Override
    public String toString() {
        return "ScramCredentials[" + hash.mechanism() + ", i=" + iterations + "]";
    }
}
