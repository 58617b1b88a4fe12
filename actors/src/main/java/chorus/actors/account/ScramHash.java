package chorus.actors.account;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A hash function SCRAM is used with (RFC 5802 SHA-1, RFC 7677 SHA-256), with its JDK algorithm names and the
 * three primitives SCRAM is built from: H(), HMAC() and Hi() = PBKDF2 (RFC 5802 §2.2).
 */
public enum ScramHash {
    SHA_1("SCRAM-SHA-1", "SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 20),
    SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 32);

    private final String mechanism;
    private final String digestAlgorithm;
    private final String hmacAlgorithm;
    private final String pbkdf2Algorithm;
    private final int length;

    ScramHash(String mechanism, String digestAlgorithm, String hmacAlgorithm, String pbkdf2Algorithm, int length) {
        this.mechanism = mechanism;
        this.digestAlgorithm = digestAlgorithm;
        this.hmacAlgorithm = hmacAlgorithm;
        this.pbkdf2Algorithm = pbkdf2Algorithm;
        this.length = length;
    }

    /** The SASL mechanism name, such as {@code SCRAM-SHA-256}. */
    public String mechanism() {
        return mechanism;
    }

    /** The JDK MessageDigest name, such as {@code SHA-256}. */
    public String digestAlgorithm() {
        return digestAlgorithm;
    }

    /** The JDK Mac name, such as {@code HmacSHA256}. */
    public String hmacAlgorithm() {
        return hmacAlgorithm;
    }

    /** The JDK SecretKeyFactory name, such as {@code PBKDF2WithHmacSHA256}. */
    public String pbkdf2Algorithm() {
        return pbkdf2Algorithm;
    }

    /** The output length of H() in bytes: the length of every SCRAM key and proof. */
    public int length() {
        return length;
    }

    /** The hash a SCRAM mechanism name stands for; empty for any other name (and for -PLUS variants). */
    public static Optional<ScramHash> forMechanism(String mechanism) {
        for (ScramHash h : values()) {
            if (h.mechanism.equals(mechanism)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /** H(data). */
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(digestAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digestAlgorithm + " unavailable", e);
        }
    }

    /** HMAC(key, data). */
    public byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hmacAlgorithm);
            mac.init(new SecretKeySpec(key, hmacAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
        }
    }

    /**
     * Hi(password, salt, i) of RFC 5802 §2.2, which is PBKDF2 with HMAC as the PRF and a derived key as long as
     * H(). The password must already be prepared; the JDK encodes its characters as UTF-8, as SCRAM requires.
     */
    public byte[] saltedPassword(String preparedPassword, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(preparedPassword.toCharArray(), salt, iterations, length * 8);
        try {
            return SecretKeyFactory.getInstance(pbkdf2Algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(pbkdf2Algorithm + " unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
