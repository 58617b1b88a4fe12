package chorus.node.s2s;

import chorus.node.tls.TestCa;
import chorus.node.tls.TlsIdentity;
import chorus.node.tls.TrustAnchors;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerCertificatesTest {
    static final TestCa CA = TestCa.create("federation CA");
    static final TestCa OTHER_CA = TestCa.create("someone else's CA");
    static final PeerCertificates CHECK = new PeerCertificates(TrustAnchors.of(List.of(CA.certificate())), Clock.systemUTC());

    @Test
    void aChainFromATrustedCaNamingTheDomainIsValid() {
        TlsIdentity peer = CA.issue(TestCa.Names.dns("peer.example"));
        assertEquals(new PeerCertificates.Verdict(true, "valid"), CHECK.check(peer.chain(), "peer.example"));
        assertTrue(CHECK.check(List.of(peer.leaf()), "peer.example").valid(), "without the CA sent along");
    }

    @Test
    void aValidChainForAnotherDomainIsNotValidForThisOne() {
        PeerCertificates.Verdict v = CHECK.check(CA.issue(TestCa.Names.dns("other.example")).chain(), "peer.example");
        assertFalse(v.valid());
        assertEquals("the certificate does not name peer.example", v.reason());
    }

    @Test
    void aChainFromAnUntrustedCaIsNotValid() {
        PeerCertificates.Verdict v = CHECK.check(OTHER_CA.issue(TestCa.Names.dns("peer.example")).chain(), "peer.example");
        assertFalse(v.valid());
        assertTrue(v.reason().startsWith("the certificate chain is not trusted"), v.reason());
    }

    @Test
    void aSelfSignedCertificateIsNotValid() {
        TlsIdentity self = chorus.node.tls.SelfSignedCertificate.generate("peer.example", Clock.systemUTC());
        assertFalse(CHECK.check(self.chain(), "peer.example").valid());
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsNotValid() {
        Instant now = Instant.now();
        TlsIdentity expired = CA.issue(TestCa.Names.dns("peer.example"), now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)));
        assertEquals("the certificate chain is not trusted: a certificate has expired",
                CHECK.check(expired.chain(), "peer.example").reason());
        PeerCertificates inTheFuture = new PeerCertificates(TrustAnchors.of(List.of(CA.certificate())),
                Clock.fixed(now.minus(Duration.ofDays(2)), ZoneOffset.UTC));
        TlsIdentity fresh = CA.issue(TestCa.Names.dns("peer.example"), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        assertEquals("the certificate chain is not trusted: a certificate is not yet valid",
                inTheFuture.check(fresh.chain(), "peer.example").reason());
    }

    @Test
    void noCertificateOrNoTrustedCaIsNotValid() {
        assertEquals("no certificate", CHECK.check(List.of(), "peer.example").reason());
        PeerCertificates noCas = new PeerCertificates(TrustAnchors.of(List.of()), Clock.systemUTC());
        assertFalse(noCas.check(CA.issue(TestCa.Names.dns("peer.example")).chain(), "peer.example").valid());
    }

    @Test
    void theSystemCasAreLoadedAndAPrivateCaFileAddsTo() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("ca", ".pem");
        try {
            CA.writeCertificate(file);
            TrustAnchors system = TrustAnchors.load(true, List.of());
            TrustAnchors both = TrustAnchors.load(true, List.of(file));
            assertTrue(system.anchors().size() > 10, "the JVM ships public CAs");
            assertEquals(system.anchors().size() + 1, both.anchors().size());
            PeerCertificates check = new PeerCertificates(TrustAnchors.load(false, List.of(file)), Clock.systemUTC());
            assertTrue(check.check(CA.issue(TestCa.Names.dns("peer.example")).chain(), "peer.example").valid());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
