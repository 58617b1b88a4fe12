package chorus.actors.account;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScramCredentialsTest {

    /** The exchange of RFC 5802 §5: user "user", password "pencil". */
    static final String RFC5802_SALT = "QSXCR+Q6sek8bf92";
    static final String RFC5802_AUTH_MESSAGE = "n=user,r=fyko+d2lbbFgONRv9qkxdawL,"
            + "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,"
            + "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    static final String RFC5802_PROOF = "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
    static final String RFC5802_SERVER_SIGNATURE = "rmF9pqV8S7suAoZWja4dJRkFsKQ=";

    /** The exchange of RFC 7677 §3: user "user", password "pencil". */
    static final String RFC7677_SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
    static final String RFC7677_AUTH_MESSAGE = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String RFC7677_PROOF = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String RFC7677_SERVER_SIGNATURE = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    @Test
    void derivedSha1KeysCheckTheClientProofAndSignTheServerFinalMessageOfRfc5802() {
        checkAgainstRfc(ScramHash.SHA_1, RFC5802_SALT, RFC5802_AUTH_MESSAGE, RFC5802_PROOF, RFC5802_SERVER_SIGNATURE);
    }

    @Test
    void derivedSha256KeysCheckTheClientProofAndSignTheServerFinalMessageOfRfc7677() {
        checkAgainstRfc(ScramHash.SHA_256, RFC7677_SALT, RFC7677_AUTH_MESSAGE, RFC7677_PROOF,
                RFC7677_SERVER_SIGNATURE);
    }

    /** RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage) and StoredKey = H(ClientKey). */
    private static void checkAgainstRfc(ScramHash hash, String salt, String authMessage, String proof,
                                        String serverSignature) {
        ScramCredentials c = ScramCredentials.derive(hash, "pencil", b64(salt), 4096);
        byte[] auth = authMessage.getBytes(StandardCharsets.UTF_8);
        byte[] signature = hash.hmac(c.storedKey(), auth);
        byte[] clientKey = b64(proof);
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= signature[i];
        }
        assertArrayEquals(c.storedKey(), hash.hash(clientKey));
        assertArrayEquals(b64(serverSignature), hash.hmac(c.serverKey(), auth));
    }

    @Test
    void theRightPasswordVerifiesAndAWrongOneDoesNot() {
        ScramCredentials c = ScramCredentials.derive(ScramHash.SHA_256, "pencil", b64(RFC7677_SALT), 4096);
        assertTrue(c.verify("pencil"));
        assertFalse(c.verify("Pencil"));
        assertFalse(c.verify("pencil "));
        assertFalse(c.verify(""));
        assertFalse(c.verify(null));
    }

    @Test
    void passwordsArePreparedWithOpaqueStringSoAnNfdFormMatchesItsNfcForm() {
        ScramCredentials c = ScramCredentials.derive(ScramHash.SHA_256, "caf\u00e9", b64(RFC7677_SALT), 4096);
        assertTrue(c.verify("cafe\u0301"));
        // OpaqueString maps non-ASCII spaces to ASCII space (RFC 8265 §4.2.1).
        ScramCredentials spaced = ScramCredentials.derive(ScramHash.SHA_256, "a b", b64(RFC7677_SALT), 4096);
        assertTrue(spaced.verify("a\u00a0b"));
    }

    @Test
    void aPasswordOpaqueStringDisallowsIsRefusedWithoutQuotingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScramCredentials.derive(ScramHash.SHA_1, "secret\u0007", b64(RFC5802_SALT), 4096));
        assertFalse(e.getMessage().contains("secret"));
        assertThrows(IllegalArgumentException.class,
                () -> ScramCredentials.derive(ScramHash.SHA_1, "", b64(RFC5802_SALT), 4096));
    }

    @Test
    void fewerThan4096IterationsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ScramCredentials.derive(ScramHash.SHA_1, "pencil", b64(RFC5802_SALT), 4095));
    }

    @Test
    void credentialsWithTheSameBytesAreEqualAndTheAccessorsHandOutCopies() {
        ScramCredentials a = ScramCredentials.derive(ScramHash.SHA_1, "pencil", b64(RFC5802_SALT), 4096);
        ScramCredentials b = new ScramCredentials(a.hash(), a.salt(), a.iterations(), a.storedKey(), a.serverKey());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        a.storedKey()[0] ^= 1;
        assertEquals(a, b);
        assertNotEquals(a, ScramCredentials.derive(ScramHash.SHA_1, "pencil2", b64(RFC5802_SALT), 4096));
    }

    @Test
    void keysOfTheWrongLengthAreRefused() {
        byte[] k20 = new byte[20];
        assertThrows(IllegalArgumentException.class,
                () -> new ScramCredentials(ScramHash.SHA_256, new byte[16], 4096, k20, k20));
    }

    static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }
}
