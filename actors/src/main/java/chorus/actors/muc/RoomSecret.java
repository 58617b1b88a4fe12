package chorus.actors.muc;

import chorus.actors.account.ScramHash;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A room password as a persistent room stores it: PBKDF2-HMAC-SHA-256 with a random salt, never the text.
 *
 * @param salt base64
 * @param hash base64
 */
public record RoomSecret(String salt, String hash, int iterations) {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int ITERATIONS = 4096;

    public static RoomSecret of(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new RoomSecret(Base64.getEncoder().encodeToString(salt),
            Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS)), ITERATIONS);
    }

    public boolean matches(String password) {
        byte[] expected = Base64.getDecoder().decode(hash);
        byte[] given = derive(password, Base64.getDecoder().decode(salt), iterations);
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        return ScramHash.SHA_256.saltedPassword(password, salt, iterations);
    }
}
