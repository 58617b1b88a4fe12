package chorus.node.sasl;

import chorus.actors.account.ScramHash;
import org.junit.jupiter.api.Test;

import java.util.List;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertNeedCredentials;
import static chorus.node.sasl.Steps.challenge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsdpTest {

    @Test
    void theHashOfXep0474sExampleIsReproduced() {
        // XEP-0474 §5.3: SHA-1 of 'SCRAM-SHA-1\x1eSCRAM-SHA-1-PLUS\x1ftls-exporter\x1etls-server-end-point'.
        Ssdp shown = Ssdp.of(List.of("SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"), true,
            List.of("tls-server-end-point", "tls-exporter"));
        assertEquals("SCRAM-SHA-1\u001eSCRAM-SHA-1-PLUS\u001ftls-exporter\u001etls-server-end-point", shown.text());
        assertEquals("G6k/rBLDqgOhRRaCuuatSDFkJ08=", shown.hash(ScramHash.SHA_1));
    }

    @Test
    void withoutChannelBindingShownTheTypesAndTheirSeparatorAreLeftOut() {
        Ssdp shown = Ssdp.of(List.of("SCRAM-SHA-256", "PLAIN", "SCRAM-SHA-1"), false, List.of("tls-server-end-point"));
        assertEquals("PLAIN\u001eSCRAM-SHA-1\u001eSCRAM-SHA-256", shown.text());
    }

    @Test
    void theServerFirstMessageCarriesTheHashOfWhatTheStreamFeaturesShowedAndTheProofSignsIt() {
        SaslMechanisms mechanisms = Steps.random();
        SaslMechanism scram = mechanisms.create("SCRAM-SHA-256", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_256, "juliet", "pencil");
        assertNeedCredentials("juliet@example.org", scram.start(client.clientFirst()));
        String first = challenge(scram.credentials(Steps.credentials("pencil")));
        String expected = Ssdp.of(mechanisms.advertised(true), false, List.of()).hash(ScramHash.SHA_256);
        assertTrue(first.endsWith(",h=" + expected), first);
        // The client's AuthMessage holds the whole server-first-message, "h" included: the login goes through.
        assertInstanceOf(SaslStep.Success.class, scram.respond(client.clientFinal(Steps.bytes(first))));
    }

    @Test
    void switchedOffTheAttributeIsNotSent() {
        SaslMechanisms off = new SaslMechanisms(
            SaslSettings.allMechanisms(4096, Steps.SECRET).withDowngradeProtection(false), Steps.RANDOM);
        SaslMechanism scram = off.create("SCRAM-SHA-1", DOMAIN, true);
        ScramTestClient client = new ScramTestClient(ScramHash.SHA_1, "juliet", "pencil");
        scram.start(client.clientFirst());
        assertTrue(challenge(scram.credentials(Steps.credentials("pencil"))).matches("r=[^,]+,s=[^,]+,i=4096"));
    }
}
