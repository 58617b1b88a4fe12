package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.xmpp.DomainJid;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Fixtures and assertions shared by the SASL tests. */
final class Steps {
    static final DomainJid DOMAIN = new DomainJid("example.org");
    static final byte[] SECRET = bytes("a cluster secret of 32 bytes....");
    static final SecureRandom RANDOM = new SecureRandom();

    private Steps() {
    }

    /** Mechanisms whose SCRAM server nonce is always serverNonce. */
    static SaslMechanisms withServerNonce(String serverNonce) {
        // The RFC examples' proofs sign a server-first-message without XEP-0474's attribute.
        return new SaslMechanisms(SaslSettings.allMechanisms(4096, SECRET).withDowngradeProtection(false),
            () -> serverNonce);
    }

    static SaslMechanisms random() {
        return new SaslMechanisms(SaslSettings.allMechanisms(4096, SECRET), RANDOM);
    }

    static Credentials credentials(String password) {
        return Credentials.derive(password, 4096, RANDOM);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The challenge's data as text; fails if the step is anything else. */
    static String challenge(SaslStep step) {
        return text(assertInstanceOf(SaslStep.Challenge.class, step).data());
    }

    static SaslStep.Failure assertFailure(SaslFailure condition, SaslStep step) {
        SaslStep.Failure f = assertInstanceOf(SaslStep.Failure.class, step);
        assertEquals(condition, f.condition());
        return f;
    }

    static void assertNeedCredentials(String account, SaslStep step) {
        assertEquals(account, assertInstanceOf(SaslStep.NeedCredentials.class, step).account().toString());
    }
}
