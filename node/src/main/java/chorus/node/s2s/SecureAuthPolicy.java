package chorus.node.s2s;

import java.net.IDN;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a peer server proves its domain, per domain, after Prosody's {@code s2s_secure_auth},
 * {@code s2s_secure_domains} and {@code s2s_insecure_domains}:
 *
 * <ul>
 * <li>A certificate valid for the domain ({@link PeerCertificates}): SASL EXTERNAL (XEP-0178), always.</li>
 * <li>Otherwise, when the domain does not require valid certificates: Server Dialback (XEP-0220), which
 * proves control of the domain's DNS only.</li>
 * <li>Otherwise: refused; the stream ends with {@code <not-authorized/>} (incoming) or the stanzas for the
 * domain bounce with {@code remote-server-not-found} (outgoing).</li>
 * </ul>
 *
 * <p>A domain requires valid certificates when it is listed as secure, or when {@code secureAuth} is on
 * and it is not listed as insecure. Streams without TLS are allowed only with domains listed for plaintext
 * (private networks), which then authenticate by dialback only.
 */
public record SecureAuthPolicy(boolean secureAuth, Set<String> secureDomains, Set<String> insecureDomains,
                               Set<String> plaintextDomains) {

    public SecureAuthPolicy {
        secureDomains = normalized(secureDomains);
        insecureDomains = normalized(insecureDomains);
        plaintextDomains = normalized(plaintextDomains);
    }

    /** How the peer authenticates, or that it may not. */
    public enum Decision { SASL_EXTERNAL, DIALBACK, REFUSE }

    /** Whether {@code domain} must prove itself with a valid certificate. */
    public boolean requiresValidCertificate(String domain) {
        String d = normalize(domain);
        if (secureDomains.contains(d)) {
            return true;
        }
        return secureAuth && !insecureDomains.contains(d);
    }

    /** Whether a stream with {@code domain} may go without TLS (a private network the operator named). */
    public boolean allowsPlaintext(String domain) {
        return plaintextDomains.contains(normalize(domain));
    }

    /**
     * The way {@code domain} authenticates, given what its certificate proved ({@code null}: the stream has no
     * TLS) and whether dialback is possible on the stream (the peer offers or uses it).
     */
    public Decision decide(String domain, PeerCertificates.Verdict certificate, boolean dialbackPossible) {
        if (certificate == null) {
            // No TLS: only named private-network peers, by dialback, never with a certificate requirement.
            return allowsPlaintext(domain) && dialbackPossible && !requiresValidCertificate(domain)
                    ? Decision.DIALBACK : Decision.REFUSE;
        }
        if (certificate.valid()) {
            return Decision.SASL_EXTERNAL;
        }
        return !requiresValidCertificate(domain) && dialbackPossible ? Decision.DIALBACK : Decision.REFUSE;
    }

    private static Set<String> normalized(Set<String> domains) {
        return domains.stream().map(SecureAuthPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    private static String normalize(String domain) {
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }
}
