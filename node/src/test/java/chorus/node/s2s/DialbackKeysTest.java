package chorus.node.s2s;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DialbackKeysTest {
    // XEP-0185 §3: the example's data and result.
    static final byte[] SECRET = "s3cr3tf0rd14lb4ck".getBytes(StandardCharsets.US_ASCII);
    static final String RECEIVING = "xmpp.example.com";
    static final String ORIGINATING = "example.org";
    static final String STREAM_ID = "D60000229F";
    static final String KEY = "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643";

    @Test
    void theXepsExampleSecretGivesTheXepsExampleKey() {
        assertEquals(KEY, DialbackKeys.fromSecret(SECRET).key(RECEIVING, ORIGINATING, STREAM_ID));
    }

    @Test
    void theAuthoritativeServerVerifiesTheExampleKey() {
        assertTrue(DialbackKeys.fromSecret(SECRET).verify(KEY, RECEIVING, ORIGINATING, STREAM_ID));
        assertTrue(DialbackKeys.fromSecret(SECRET).verify("\n    " + KEY.toUpperCase() + "\n", RECEIVING, ORIGINATING, STREAM_ID));
    }

    @Test
    void aKeyForAnotherStreamOrOtherNamesDoesNotVerify() {
        DialbackKeys keys = DialbackKeys.fromSecret(SECRET);
        assertFalse(keys.verify(KEY, RECEIVING, ORIGINATING, "D60000229G"));
        assertFalse(keys.verify(KEY, "example.com", ORIGINATING, STREAM_ID));
        assertFalse(keys.verify(KEY, RECEIVING, "example.net", STREAM_ID));
        assertFalse(keys.verify(KEY.substring(1), RECEIVING, ORIGINATING, STREAM_ID));
        assertFalse(keys.verify("", RECEIVING, ORIGINATING, STREAM_ID));
        assertFalse(keys.verify(null, RECEIVING, ORIGINATING, STREAM_ID));
    }

    @Test
    void anotherSecretGivesAnotherKey() {
        assertFalse(DialbackKeys.fromSecret("other".getBytes(StandardCharsets.US_ASCII)).verify(KEY, RECEIVING, ORIGINATING, STREAM_ID));
    }

    @Test
    void twoNodesWithTheSameClusterSecretVerifyEachOthersKeys() {
        byte[] cluster = new byte[32];
        cluster[0] = 7;
        DialbackKeys nodeA = DialbackKeys.fromClusterSecret(cluster);
        DialbackKeys nodeB = DialbackKeys.fromClusterSecret(cluster.clone());
        String key = nodeA.key("peer.example", "chorus.example", "abc123");
        assertTrue(nodeB.verify(key, "peer.example", "chorus.example", "abc123"));
        byte[] otherCluster = cluster.clone();
        otherCluster[31] = 1;
        assertFalse(DialbackKeys.fromClusterSecret(otherCluster).verify(key, "peer.example", "chorus.example", "abc123"));
    }

    @Test
    void theDerivedSecretIsNotTheClusterSecretItself() {
        byte[] cluster = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        assertNotEquals(DialbackKeys.fromSecret(cluster).key("a.example", "b.example", "1"),
                DialbackKeys.fromClusterSecret(cluster).key("a.example", "b.example", "1"));
    }

    @Test
    void toStringHidesTheSecret() {
        assertFalse(DialbackKeys.fromSecret(SECRET).toString().contains("s3cr3t"));
    }
}
