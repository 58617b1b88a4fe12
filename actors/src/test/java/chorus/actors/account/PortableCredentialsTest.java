package chorus.actors.account;

import chorus.actors.xmpp.Element;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0227 §3.4's scram-credentials as Prosody 0.12 and ejabberd 23.01 write them. */
class PortableCredentialsTest {
    static final Base64.Encoder B64 = Base64.getEncoder();

    static Element element(String mechanism, String salt, String serverKey, String storedKey, String iterations) {
        return Element.build("scram-credentials", PortableCredentials.NS).attr("mechanism", mechanism)
            .textChild("server-key", PortableCredentials.NS, serverKey)
            .textChild("stored-key", PortableCredentials.NS, storedKey)
            .textChild("iter-count", PortableCredentials.NS, iterations)
            .textChild("salt", PortableCredentials.NS, salt)
            .get();
    }

    @Test
    void prosodysKeysAreTakenAsTheyAreAndTheirPasswordWorks() {
        // Prosody's salt is a UUID as text; its keys are written once in base64.
        byte[] salt = "6cac76ac-dc0b-42b2-afdc-9132a24ee473".getBytes(StandardCharsets.US_ASCII);
        ScramCredentials k = ScramCredentials.derive(ScramHash.SHA_1, "balcony-pw", salt, 10000);
        Credentials c = PortableCredentials.fromElements(List.of(element("SCRAM-SHA-1", B64.encodeToString(salt),
            B64.encodeToString(k.serverKey()), B64.encodeToString(k.storedKey()), "10000")));
        assertArrayEquals(salt, c.sha1().salt());
        assertNull(c.sha256());
        assertTrue(c.verifyPlain("balcony-pw"));
        assertFalse(c.verifyPlain("balcony"));
    }

    @Test
    void ejabberdsKeysAndSaltEncodedTwiceAreDecodedTwiceAndTheirPasswordWorks() {
        // ejabberd keeps salt and keys in base64 and its export_piefxis (23.01) encodes that text once more.
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        ScramCredentials k = ScramCredentials.derive(ScramHash.SHA_1, "balcony-pw", salt, 4096);
        Credentials c = PortableCredentials.fromElements(List.of(element("SCRAM-SHA-1", twice(salt),
            twice(k.serverKey()), twice(k.storedKey()), "4096")));
        assertArrayEquals(salt, c.sha1().salt());
        assertTrue(c.verifyPlain("balcony-pw"));
        ScramCredentials k256 = ScramCredentials.derive(ScramHash.SHA_256, "balcony-pw", salt, 4096);
        Credentials c256 = PortableCredentials.fromElements(List.of(element("SCRAM-SHA-256", twice(salt),
            twice(k256.serverKey()), twice(k256.storedKey()), "4096")));
        assertTrue(c256.verifyPlain("balcony-pw"));
    }

    @Test
    void whatIsWrittenReadsBackAndBrokenKeysAreRefusedWithoutTheirValue() {
        Credentials c = Credentials.derive("pencil", 4096, new java.security.SecureRandom());
        Credentials back = PortableCredentials.fromElements(PortableCredentials.toElements(c));
        assertTrue(back.complete());
        assertTrue(back.verifyPlain("pencil"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortableCredentials.fromElements(
            List.of(element("SCRAM-SHA-1", "c2FsdA==", "c2VjcmV0LXZhbHVl", "c2VjcmV0LXZhbHVl", "4096"))));
        assertEquals("malformed SCRAM-SHA-1 credentials", e.getMessage());
        assertNull(PortableCredentials.fromElements(List.of(element("SCRAM-SHA-512", "c2FsdA==", "a", "b", "1"))));
    }

    static String twice(byte[] b) {
        return B64.encodeToString(B64.encodeToString(b).getBytes(StandardCharsets.US_ASCII));
    }
}
