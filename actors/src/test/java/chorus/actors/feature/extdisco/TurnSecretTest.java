package chorus.actors.feature.extdisco;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TurnSecretTest {
    static final String SECRET = "north-wind-secret-0123";

    /**
     * coturn's use-auth-secret: password = base64(HMAC-SHA1(static-auth-secret, "EXPIRY:USER")). The expected values
     * were computed outside Java, by OpenSSL:
     * {@code echo -n "1700000000:alice" | openssl dgst -sha1 -hmac "north-wind-secret-0123" -binary | base64}.
     */
    @Test
    void thePasswordIsTheBase64OfTheHmacSha1OfTheUsernameAsCoturnComputesIt() {
        TurnCredentials c = new TurnSecret(SECRET).credentials("alice", Instant.ofEpochSecond(1_700_000_000L));
        assertEquals("1700000000:alice", c.username());
        assertEquals("s0SQRI+SV6HZXj/zo4FG30PZScY=", c.password());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), c.expires());
        assertEquals("IeBRJGExthET9QIEAmkeAC7/RVE=", new TurnSecret(SECRET).password("1700086400:c2FtcGxlLXVzZXI"));
    }

    @Test
    void theExpiryIsCutToTheSecondInTheUsernameAndTheExpiresTime() {
        TurnCredentials c = new TurnSecret(SECRET).credentials("bob", Instant.parse("2026-12-06T14:00:00.987Z"));
        assertEquals(Instant.parse("2026-12-06T14:00:00Z").getEpochSecond() + ":bob", c.username());
        assertEquals(Instant.parse("2026-12-06T14:00:00Z"), c.expires());
    }

    @Test
    void thePseudonymIsStablePerAccountAndDoesNotShowTheAddress() {
        TurnSecret s = new TurnSecret(SECRET);
        assertEquals(s.pseudonym("juliet@capulet.lit"), s.pseudonym("juliet@capulet.lit"));
        assertNotEquals(s.pseudonym("juliet@capulet.lit"), s.pseudonym("romeo@montague.lit"));
        assertFalse(s.pseudonym("juliet@capulet.lit").contains("juliet"));
        assertEquals(16, s.pseudonym("juliet@capulet.lit").length());
        // Another secret, another pseudonym: the TURN server cannot link accounts across secrets.
        assertNotEquals(s.pseudonym("juliet@capulet.lit"), new TurnSecret(SECRET + "x").pseudonym("juliet@capulet.lit"));
    }

    @Test
    void neitherTheSecretNorThePasswordIsEverPrinted() {
        TurnSecret s = new TurnSecret(SECRET);
        assertFalse(s.toString().contains(SECRET));
        TurnCredentials c = s.credentials("alice", Instant.ofEpochSecond(1_700_000_000L));
        assertFalse(c.toString().contains(c.password()));
    }

    @Test
    void aShortSecretIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TurnSecret("short"));
    }
}
