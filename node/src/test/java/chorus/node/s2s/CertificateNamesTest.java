package chorus.node.s2s;

import chorus.node.tls.TestCa;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6125 §6 as RFC 6120 §13.7.2 applies it to servers, case by case. */
class CertificateNamesTest {
    static final TestCa CA = TestCa.create("names test CA");

    static X509Certificate cert(String cn, List<String> dns, List<String> srv, List<String> xmpp, List<String> uris) {
        return CA.issue(new TestCa.Names(cn, dns, srv, xmpp, uris)).leaf();
    }

    static X509Certificate dns(String... names) {
        return cert(null, List.of(names), List.of(), List.of(), List.of());
    }

    @Test
    void aDnsIdNamesItsDomainWhateverTheCase() {
        assertTrue(CertificateNames.names(dns("xmpp.example.org"), "xmpp.example.org"));
        assertTrue(CertificateNames.names(dns("XMPP.Example.ORG"), "xmpp.example.org"));
        assertTrue(CertificateNames.names(dns("xmpp.example.org"), "Xmpp.Example.Org"));
        assertFalse(CertificateNames.names(dns("xmpp.example.org"), "example.org"));
        assertFalse(CertificateNames.names(dns("xmpp.example.org"), "evil-xmpp.example.org"));
    }

    @Test
    void aWildcardMatchesExactlyOneLeftMostLabel() {
        X509Certificate wildcard = dns("*.example.org");
        assertTrue(CertificateNames.names(wildcard, "conference.example.org"));
        assertFalse(CertificateNames.names(wildcard, "example.org"));
        assertFalse(CertificateNames.names(wildcard, "a.b.example.org"));
        assertFalse(CertificateNames.names(wildcard, "example.net"));
    }

    @Test
    void partialAndTopLevelWildcardsMatchNothing() {
        assertFalse(CertificateNames.names(dns("f*.example.org"), "foo.example.org"));
        assertFalse(CertificateNames.names(dns("*oo.example.org"), "foo.example.org"));
        assertFalse(CertificateNames.names(dns("*.org"), "example.org"));
        assertFalse(CertificateNames.names(dns("*.*.example.org"), "a.b.example.org"));
        assertFalse(CertificateNames.names(dns("a.*.example.org"), "a.b.example.org"));
    }

    @Test
    void anSrvIdForXmppServerNamesTheDomainAndOtherServicesDoNot() {
        assertTrue(CertificateNames.names(cert(null, List.of(), List.of("_xmpp-server.example.org"), List.of(), List.of()),
                "example.org"));
        assertFalse(CertificateNames.names(cert(null, List.of(), List.of("_xmpp-client.example.org"), List.of(), List.of()),
                "example.org"));
        assertFalse(CertificateNames.names(cert(null, List.of(), List.of("_xmpp-server.*.example.org"), List.of(), List.of()),
                "a.example.org"));
    }

    @Test
    void anXmppAddrNamesItsDomainAlsoInUnicode() {
        assertTrue(CertificateNames.names(cert(null, List.of(), List.of(), List.of("example.org"), List.of()), "example.org"));
        // RFC 6120 §13.7.1.4: the XmppAddr is a UTF8String; the domain may arrive as its A-label.
        X509Certificate unicode = cert(null, List.of(), List.of(), List.of("bücher.example"), List.of());
        assertTrue(CertificateNames.names(unicode, "xn--bcher-kva.example"));
        assertTrue(CertificateNames.names(unicode, "bücher.example"));
        assertFalse(CertificateNames.names(cert(null, List.of(), List.of(), List.of("*.example.org"), List.of()), "a.example.org"));
    }

    @Test
    void anInternationalizedDnsIdComparesAsALabels() {
        assertTrue(CertificateNames.names(dns("xn--bcher-kva.example"), "bücher.example"));
    }

    @Test
    void theCommonNameCountsOnlyWithoutIdentifyingSubjectAltNames() {
        assertTrue(CertificateNames.names(CA.issue(TestCa.Names.cnOnly("example.org")).leaf(), "example.org"));
        assertTrue(CertificateNames.names(CA.issue(TestCa.Names.cnOnly("*.example.org")).leaf(), "a.example.org"));
        // A DNS-ID for another name rules the CN out (RFC 6125 §6.4.4).
        assertFalse(CertificateNames.names(cert("example.org", List.of("other.example"), List.of(), List.of(), List.of()),
                "example.org"));
        // So does a URI-ID, though it names no XMPP server.
        assertFalse(CertificateNames.names(cert("example.org", List.of(), List.of(), List.of(), List.of("https://example.org/")),
                "example.org"));
    }

    @Test
    void aCertificateWithNoNameNamesNothing() {
        assertFalse(CertificateNames.names(cert(null, List.of(), List.of(), List.of(), List.of()), "example.org"));
        assertFalse(CertificateNames.names(dns("example.org"), ""));
        assertFalse(CertificateNames.names(dns("example.org"), "example.org."));
    }
}
