package chorus.node.sasl;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.SECRET;
import static chorus.node.sasl.Steps.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SaslMechanismsTest {

    @Test
    void plainIsAdvertisedOnlyInsideTls() {
        SaslMechanisms mechanisms = Steps.random();
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1"), mechanisms.advertised(false));
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), mechanisms.advertised(true));
    }

    @Test
    void onlyTheConfiguredMechanismsAreAdvertisedInTheConfiguredOrder() {
        SaslMechanisms mechanisms = new SaslMechanisms(
                new SaslSettings(List.of("PLAIN", "SCRAM-SHA-256"), 4096, SECRET), Steps.RANDOM);
        assertEquals(List.of("PLAIN", "SCRAM-SHA-256"), mechanisms.advertised(true));
        assertFailure(SaslFailure.INVALID_MECHANISM, mechanisms.create("SCRAM-SHA-1", DOMAIN, true).start(null));
    }

    @Test
    void eachNameGivesItsMechanism() {
        SaslMechanisms mechanisms = Steps.random();
        assertInstanceOf(ScramServer.class, mechanisms.create("SCRAM-SHA-1", DOMAIN, false));
        assertEquals("SCRAM-SHA-1", mechanisms.create("SCRAM-SHA-1", DOMAIN, false).name());
        assertEquals("SCRAM-SHA-256", mechanisms.create("SCRAM-SHA-256", DOMAIN, false).name());
        assertInstanceOf(PlainServer.class, mechanisms.create("PLAIN", DOMAIN, true));
    }

    @Test
    void anUnknownMechanismFailsWithInvalidMechanism() {
        SaslMechanisms mechanisms = Steps.random();
        for (String name : Arrays.asList("DIGEST-MD5", "SCRAM-SHA-1-PLUS", "scram-sha-1", "", null)) {
            assertFailure(SaslFailure.INVALID_MECHANISM, mechanisms.create(name, DOMAIN, true).start(new byte[0]));
        }
    }

    @Test
    void plainWithoutTlsFailsWithEncryptionRequired() {
        SaslMechanism plain = Steps.random().create("PLAIN", DOMAIN, false);
        assertFailure(SaslFailure.ENCRYPTION_REQUIRED, plain.start(Steps.bytes("\0juliet\0pencil")));
    }

    @Test
    void settingsRefuseWeakIterationCountsShortSecretsAndUnknownMechanisms() {
        assertThrows(IllegalArgumentException.class, () -> SaslSettings.allMechanisms(4095, SECRET));
        assertThrows(IllegalArgumentException.class, () -> SaslSettings.allMechanisms(4096, new byte[15]));
        assertThrows(IllegalArgumentException.class,
                () -> new SaslSettings(List.of("DIGEST-MD5"), 4096, SECRET));
    }

    @Test
    void settingsNeverPrintTheSecret() {
        assertFalse(SaslSettings.allMechanisms(4096, SECRET).toString().contains(new String(SECRET)));
    }

    @Test
    void failureConditionsHaveTheElementNamesOfRfc6120() {
        assertEquals(List.of("aborted", "account-disabled", "credentials-expired", "encryption-required",
                        "incorrect-encoding", "invalid-authzid", "invalid-mechanism", "malformed-request",
                        "mechanism-too-weak", "not-authorized", "temporary-auth-failure"),
                Arrays.stream(SaslFailure.values()).map(SaslFailure::xmlName).toList());
    }
}
