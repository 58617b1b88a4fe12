package chorus.node.component;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentHandshakeTest {
    // The stream id of XEP-0114's example; the digest as `printf '3BF96D32s3cr3t' | sha1sum` computes it.
    static final String STREAM_ID = "3BF96D32";
    static final String SECRET = "s3cr3t";
    static final String DIGEST = "ba33290100f616a33656a931798d6c9011cfa840";

    @Test
    void theDigestIsTheLowerCaseHexSha1OfStreamIdThenSecret() {
        assertEquals(DIGEST, ComponentHandshake.digest(STREAM_ID, SECRET));
    }

    @Test
    void theSecretIsHashedAsUtf8() {
        // printf 'abc\xc3\xa9' | sha1sum: stream id "abc", secret "é".
        assertEquals("6d392fb5173039754ccd473fa84994b61e99dce3", ComponentHandshake.digest("abc", "é"));
    }

    @Test
    void aComponentThatKnowsTheSecretIsAccepted() {
        assertTrue(ComponentHandshake.verify(DIGEST, STREAM_ID, SECRET));
        assertTrue(ComponentHandshake.verify("  " + DIGEST.toUpperCase() + "\n", STREAM_ID, SECRET));
    }

    @Test
    void aWrongSecretAnotherStreamOrGarbageIsRefused() {
        assertFalse(ComponentHandshake.verify(DIGEST, STREAM_ID, "s3cr3T"));
        assertFalse(ComponentHandshake.verify(DIGEST, "3BF96D33", SECRET));
        assertFalse(ComponentHandshake.verify(DIGEST.substring(0, 39), STREAM_ID, SECRET));
        assertFalse(ComponentHandshake.verify("", STREAM_ID, SECRET));
        assertFalse(ComponentHandshake.verify(null, STREAM_ID, SECRET));
        assertFalse(ComponentHandshake.verify(ComponentHandshake.digest("", SECRET), "", SECRET));
    }
}
