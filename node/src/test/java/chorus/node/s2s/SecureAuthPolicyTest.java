package chorus.node.s2s;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static chorus.node.s2s.SecureAuthPolicy.Decision.DIALBACK;
import static chorus.node.s2s.SecureAuthPolicy.Decision.REFUSE;
import static chorus.node.s2s.SecureAuthPolicy.Decision.SASL_EXTERNAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecureAuthPolicyTest {
    static final PeerCertificates.Verdict VALID = new PeerCertificates.Verdict(true, "valid");
    static final PeerCertificates.Verdict INVALID = new PeerCertificates.Verdict(false, "self-signed");

    @Test
    void byDefaultAValidCertificateMeansExternalAndAnInvalidOneDialback() {
        SecureAuthPolicy p = new SecureAuthPolicy(false, Set.of(), Set.of(), Set.of());
        assertEquals(SASL_EXTERNAL, p.decide("peer.example", VALID, true));
        assertEquals(SASL_EXTERNAL, p.decide("peer.example", VALID, false));
        assertEquals(DIALBACK, p.decide("peer.example", INVALID, true));
        assertEquals(REFUSE, p.decide("peer.example", INVALID, false), "no certificate and no dialback: nothing proves the domain");
    }

    @Test
    void secureAuthRefusesInvalidCertificatesExceptForDomainsListedAsInsecure() {
        SecureAuthPolicy p = new SecureAuthPolicy(true, Set.of(), Set.of("Old.Example"), Set.of());
        assertEquals(REFUSE, p.decide("peer.example", INVALID, true));
        assertEquals(SASL_EXTERNAL, p.decide("peer.example", VALID, true));
        assertEquals(DIALBACK, p.decide("old.example", INVALID, true));
        assertTrue(p.requiresValidCertificate("peer.example"));
        assertFalse(p.requiresValidCertificate("OLD.example"));
    }

    @Test
    void aDomainListedAsSecureNeedsAValidCertificateEvenWithSecureAuthOff() {
        SecureAuthPolicy p = new SecureAuthPolicy(false, Set.of("bank.example"), Set.of(), Set.of());
        assertEquals(REFUSE, p.decide("bank.example", INVALID, true));
        assertEquals(DIALBACK, p.decide("peer.example", INVALID, true));
    }

    @Test
    void withoutTlsOnlyAListedPrivateDomainMayDialBack() {
        SecureAuthPolicy p = new SecureAuthPolicy(false, Set.of(), Set.of(), Set.of("lan.example"));
        assertEquals(DIALBACK, p.decide("lan.example", null, true));
        assertEquals(REFUSE, p.decide("lan.example", null, false));
        assertEquals(REFUSE, p.decide("peer.example", null, true));
        SecureAuthPolicy strict = new SecureAuthPolicy(true, Set.of(), Set.of(), Set.of("lan.example"));
        assertEquals(REFUSE, strict.decide("lan.example", null, true), "a certificate requirement cannot be met without TLS");
    }

    @Test
    void internationalizedDomainsAreListedInEitherForm() {
        SecureAuthPolicy p = new SecureAuthPolicy(false, Set.of("bücher.example"), Set.of(), Set.of());
        assertTrue(p.requiresValidCertificate("xn--bcher-kva.example"));
    }
}
