package chorus.node.s2s;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server Dialback keys as XEP-0185 §2 recommends:
 * {@code HMAC-SHA256(hex(SHA256(secret)), receiving + ' ' + originating + ' ' + streamId)}, as lower-case hex.
 *
 * <p>The secret is the cluster's: every node derives the same one (see {@link #fromClusterSecret}), so a
 * key that one node sent in a {@code <db:result/>} is verified by whichever node receives the peer's
 * {@code <db:verify/>} (XEP-0220 §2.4), with no state shared at run time. XEP-0185 §2 note 3 forbids
 * making the secret depend on a database, which this does not.
 */
public final class DialbackKeys {
    /** What separates the dialback secret from other uses of the cluster secret (the SASL decoys). */
    static final String LABEL = "chorus s2s dialback secret v1";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec hmacKey;

    private DialbackKeys(byte[] secret) {
        // XEP-0185 §2 notes 2 and 4: the secret is hashed with SHA-256 and its hex form is the HMAC key.
        this.hmacKey = new SecretKeySpec(HEX.formatHex(sha256(secret)).getBytes(StandardCharsets.US_ASCII), "HmacSHA256");
    }

    /** Keys from this exact secret (a configured {@code chorus.s2s.dialback-secret}, or the XEP's example). */
    public static DialbackKeys fromSecret(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("an empty dialback secret");
        }
        return new DialbackKeys(secret.clone());
    }

    /**
     * Keys from a secret derived from the cluster secret every node already shares (the SASL decoy secret):
     * {@code HMAC-SHA256(clusterSecret, LABEL)}, so nothing more needs configuring and the derived value
     * says nothing about the cluster secret.
     */
    public static DialbackKeys fromClusterSecret(byte[] clusterSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clusterSecret, "HmacSHA256"));
            return new DialbackKeys(mac.doFinal(LABEL.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The key an originating server sends in {@code <db:result/>} on a stream with this id (XEP-0220 §2.1.1). */
    public String key(String receivingServer, String originatingServer, String streamId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            byte[] input = (receivingServer + ' ' + originatingServer + ' ' + streamId).getBytes(StandardCharsets.UTF_8);
            return HEX.formatHex(mac.doFinal(input));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /**
     * Whether {@code key} (from a peer's {@code <db:verify/>}, XEP-0220 §2.4) is the one this cluster issued for
     * these names and stream id. Compared in constant time; surrounding white space and upper-case hex are
     * accepted, anything else that is not the key is not.
     */
    public boolean verify(String key, String receivingServer, String originatingServer, String streamId) {
        if (key == null) {
            return false;
        }
        byte[] expected = key(receivingServer, originatingServer, streamId).getBytes(StandardCharsets.US_ASCII);
        byte[] given = key.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "DialbackKeys[secret hidden]";
    }
}
