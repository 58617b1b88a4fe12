package chorus.node.component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The XEP-0114 §3 handshake: the component proves it knows the shared secret by sending
 * {@code <handshake>hex(SHA-1(streamId + secret))</handshake>} on a stream whose id the server chose.
 * Pure functions; the stream that carries them decides what to do with the answer.
 */
public final class ComponentHandshake {
    private ComponentHandshake() {}

    /** The lower-case hex digest a component with this secret sends on a stream with this id (XEP-0114 §3, step 3). */
    public static String digest(String streamId, String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((streamId + secret).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /**
     * Whether a received {@code <handshake/>} text proves the secret. Compared in constant time; surrounding white
     * space and upper-case hex are accepted (XEP-0114 asks for lower case, some libraries send upper).
     */
    public static boolean verify(String received, String streamId, String secret) {
        if (received == null || streamId == null || streamId.isEmpty()) {
            return false;
        }
        byte[] expected = digest(streamId, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] given = received.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}
