package chorus.node.s2s;

import chorus.node.tls.TrustAnchors;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;

/**
 * Whether the certificate chain a peer server presented proves its domain (RFC 6120 §13.7.2): the chain
 * leads to one of the trusted CAs (PKIX: signatures, validity dates, CA constraints; revocation is not
 * checked, it would need the network at every handshake) and its leaf names the domain
 * ({@link CertificateNames}). Extended key usage is not enforced: server certificates that list only
 * serverAuth are common on XMPP servers' incoming streams.
 */
public final class PeerCertificates {
    /** The outcome, with a reason fit for a log line (no address, no certificate bytes). */
    public record Verdict(boolean valid, String reason) {
        static Verdict ok() {
            return new Verdict(true, "valid");
        }

        static Verdict no(String reason) {
            return new Verdict(false, reason);
        }
    }

    private final TrustAnchors anchors;
    private final Clock clock;

    public PeerCertificates(TrustAnchors anchors, Clock clock) {
        this.anchors = anchors;
        this.clock = clock;
    }

    public Verdict check(List<X509Certificate> chain, String domain) {
        if (chain.isEmpty()) {
            return Verdict.no("no certificate");
        }
        if (!CertificateNames.names(chain.get(0), domain)) {
            return Verdict.no("the certificate does not name " + domain);
        }
        if (anchors.isEmpty()) {
            return Verdict.no("no trusted certificate authorities are configured");
        }
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(withoutAnchors(chain));
            PKIXParameters params = new PKIXParameters(anchors.anchors());
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(path, params);
            return Verdict.ok();
        } catch (CertPathValidatorException e) {
            return Verdict.no("the certificate chain is not trusted: " + reason(e));
        } catch (GeneralSecurityException e) {
            return Verdict.no("the certificate chain cannot be checked: " + e.getMessage());
        }
    }

    // A peer may send its CA's certificate along; PKIX wants the path without the trust anchor itself.
    private List<X509Certificate> withoutAnchors(List<X509Certificate> chain) {
        int end = chain.size();
        while (end > 1 && isAnchor(chain.get(end - 1))) {
            end--;
        }
        return chain.subList(0, end);
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.anchors().stream().anyMatch(a -> c.equals(a.getTrustedCert()));
    }

    private static String reason(CertPathValidatorException e) {
        CertPathValidatorException.Reason r = e.getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED) {
            return "a certificate has expired";
        }
        if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "a certificate is not yet valid";
        }
        if (r == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return "a signature does not verify";
        }
        return "no path to a trusted certificate authority";
    }
}
