package chorus.actors.account;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsTest {
    static final ActorTestKit testKit = ActorTestKit.create();
    static final SecureRandom RANDOM = new SecureRandom();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void deriveGivesEachHashItsOwnRandomSaltOfSixteenBytes() {
        Credentials c = Credentials.derive("pencil", 4096, RANDOM);
        assertEquals(Credentials.SALT_BYTES, c.sha1().salt().length);
        assertEquals(16, c.sha256().salt().length);
        assertFalse(Arrays.equals(c.sha1().salt(), c.sha256().salt()));
        assertEquals(ScramHash.SHA_1, c.scram(ScramHash.SHA_1).hash());
        assertEquals(ScramHash.SHA_256, c.scram(ScramHash.SHA_256).hash());
    }

    @Test
    void twoDerivationsOfTheSamePasswordNeverShareASalt() {
        Credentials a = Credentials.derive("pencil", 4096, RANDOM);
        Credentials b = Credentials.derive("pencil", 4096, RANDOM);
        assertFalse(Arrays.equals(a.sha1().salt(), b.sha1().salt()));
        assertFalse(Arrays.equals(a.sha256().salt(), b.sha256().salt()));
        assertNotEquals(a, b);
    }

    @Test
    void deriveRefusesFewerThan4096IterationsAndKeepsTheCountItIsGiven() {
        assertThrows(IllegalArgumentException.class, () -> Credentials.derive("pencil", 4095, RANDOM));
        assertThrows(IllegalArgumentException.class, () -> Credentials.derive("pencil", 0, RANDOM));
        Credentials c = Credentials.derive("pencil", 5000, RANDOM);
        assertEquals(5000, c.sha1().iterations());
        assertEquals(5000, c.sha256().iterations());
    }

    @Test
    void verifyPlainAcceptsOnlyTheRightPassword() {
        Credentials c = Credentials.derive("correct horse", 4096, RANDOM);
        assertTrue(c.verifyPlain("correct horse"));
        assertFalse(c.verifyPlain("correct horse battery"));
        assertFalse(c.verifyPlain("Correct horse"));
        assertFalse(c.verifyPlain(""));
    }

    @Test
    void bothHashesAreDerivedFromTheSamePassword() {
        Credentials c = Credentials.derive("pencil", 4096, RANDOM);
        assertTrue(c.sha1().verify("pencil"));
        assertTrue(c.sha256().verify("pencil"));
    }

    @Test
    void toStringShowsNoSaltNoKeyAndNoPassword() {
        Credentials c = Credentials.derive("pencil", 4096, RANDOM);
        String s = c.toString();
        for (ScramCredentials sc : new ScramCredentials[] {c.sha1(), c.sha256()}) {
            for (byte[] secret : new byte[][] {sc.salt(), sc.storedKey(), sc.serverKey()}) {
                assertFalse(s.contains(Base64.getEncoder().encodeToString(secret)));
                assertFalse(s.contains(hex(secret)));
                assertFalse(s.contains(Arrays.toString(secret)));
            }
        }
        assertFalse(s.contains("pencil"));
        assertTrue(s.contains("SCRAM-SHA-256"));
    }

    @Test
    void credentialsRoundTripThroughTheClusterSerializer() throws Exception {
        Credentials c = Credentials.derive("pencil", 4096, RANDOM);
        var serialization = SerializationExtension.get(testKit.system().classicSystem());
        var serializer = serialization.findSerializerFor(c);
        assertEquals("org.apache.pekko.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName());
        byte[] bytes = serializer.toBinary(c);
        Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, c))
                .get();
        assertEquals(c, back);
        assertTrue(((Credentials) back).verifyPlain("pencil"));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
