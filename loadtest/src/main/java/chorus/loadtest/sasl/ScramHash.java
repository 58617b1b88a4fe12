package chorus.loadtest.sasl;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/** The hash of a SCRAM family member (RFC 5802 §2.2): its HMAC, its digest, and Hi() built on them. */
public enum ScramHash {
    SHA_1("HmacSHA1", "SHA-1"),
    SHA_256("HmacSHA256", "SHA-256");

    private final String hmac;
    private final String digest;

    ScramHash(String hmac, String digest) {
        this.hmac = hmac;
        this.digest = digest;
    }

    byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is missing from this JVM", e);
        }
    }

    byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digest + " is missing from this JVM", e);
        }
    }

    /** RFC 5802 §2.2: Hi(str, salt, i), which is PBKDF2 with this HMAC and one block of output. */
    byte[] hi(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(password, hmac));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is missing from this JVM", e);
        }
    }
}
