package chorus.node.s2s;

import java.net.IDN;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;

/**
 * Whether a certificate names an XMPP domain, by RFC 6125 §6 as RFC 6120 §13.7.2 profiles it for
 * servers: the reference identifiers are the DNS-ID {@code domain}, the SRV-ID
 * {@code _xmpp-server.domain} (RFC 4985) and the XmppAddr {@code domain} (RFC 6120 §13.7.1.4).
 *
 * <ul>
 * <li>DNS-IDs compare as A-labels, case-insensitively; a wildcard is allowed only as the whole left-most
 * label and matches exactly one label ({@code *.example.org} names {@code a.example.org}, not
 * {@code example.org} nor {@code a.b.example.org}; RFC 6125 §6.4.3). Partial wildcards
 * ({@code f*.example.org}) match nothing.</li>
 * <li>SRV-IDs and XmppAddrs match exactly, never by wildcard.</li>
 * <li>The subject's CN is looked at only when the certificate has no subjectAltName of type DNS, SRV,
 * URI or XmppAddr (RFC 6125 §6.4.4), and then as a DNS-ID.</li>
 * </ul>
 */
public final class CertificateNames {
    static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    static final ASN1ObjectIdentifier SRV_NAME = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.7");
    static final String SRV_SERVICE = "_xmpp-server.";

    private CertificateNames() {}

    /** Whether {@code certificate} is issued to {@code domain} (a U-label or A-label domain). */
    public static boolean names(X509Certificate certificate, String domain) {
        String reference = aLabel(domain);
        if (reference == null) {
            return false;
        }
        Sans sans = sans(certificate);
        if (sans.any) {
            return sans.dns.stream().anyMatch(d -> dnsIdMatches(d, reference))
                    || sans.srv.stream().anyMatch(s -> s.equals(SRV_SERVICE + reference))
                    || sans.xmpp.stream().anyMatch(x -> x.equals(reference));
        }
        return commonNames(certificate).stream().anyMatch(cn -> dnsIdMatches(cn, reference));
    }

    /** RFC 6125 §6.4.1 and §6.4.3, on A-labels in lower case. */
    static boolean dnsIdMatches(String presented, String reference) {
        String p = aLabel(presented.startsWith("*.") ? presented.substring(2) : presented);
        if (p == null) {
            return false;
        }
        if (!presented.startsWith("*.")) {
            return p.equals(reference) && !presented.contains("*");
        }
        if (p.contains("*") || !p.contains(".")) {
            return false; // "*.*.org", or a wildcard directly under a top-level domain ("*.org")
        }
        int dot = reference.indexOf('.');
        return dot > 0 && reference.substring(dot + 1).equals(p);
    }

    private record Sans(List<String> dns, List<String> srv, List<String> xmpp, boolean any) {}

    private static Sans sans(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<String> srv = new ArrayList<>();
        List<String> xmpp = new ArrayList<>();
        boolean any = false;
        GeneralNames names;
        try {
            names = GeneralNames.fromExtensions(new JcaX509CertificateHolder(certificate).getExtensions(),
                    Extension.subjectAlternativeName);
        } catch (CertificateEncodingException | IllegalArgumentException e) {
            return new Sans(dns, srv, xmpp, true); // an unreadable SAN: treat as present and matching nothing
        }
        if (names == null) {
            return new Sans(dns, srv, xmpp, false);
        }
        for (GeneralName n : names.getNames()) {
            switch (n.getTagNo()) {
                case GeneralName.dNSName:
                    any = true;
                    dns.add(text(n.getName()));
                    break;
                case GeneralName.uniformResourceIdentifier:
                    any = true; // a URI-ID: not an XMPP server identity, but it rules out the CN (RFC 6125 §6.4.4)
                    break;
                case GeneralName.otherName:
                    OtherName other;
                    try {
                        other = OtherName.getInstance(n.getName());
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    String value = text(unwrap(other.getValue()));
                    if (other.getTypeID().equals(XMPP_ADDR)) {
                        any = true;
                        String a = aLabel(value);
                        if (a != null) {
                            xmpp.add(a);
                        }
                    } else if (other.getTypeID().equals(SRV_NAME)) {
                        any = true;
                        if (value.toLowerCase(Locale.ROOT).startsWith(SRV_SERVICE)) {
                            String a = aLabel(value.substring(SRV_SERVICE.length()));
                            if (a != null) {
                                srv.add(SRV_SERVICE + a);
                            }
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        return new Sans(dns, srv, xmpp, any);
    }

    private static List<String> commonNames(X509Certificate certificate) {
        List<String> cns = new ArrayList<>();
        try {
            for (RDN rdn : new JcaX509CertificateHolder(certificate).getSubject().getRDNs(BCStyle.CN)) {
                cns.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
            }
        } catch (CertificateEncodingException e) {
            // no CN to offer
        }
        return cns;
    }

    private static ASN1Encodable unwrap(ASN1Encodable value) {
        ASN1Encodable v = value;
        while (v instanceof ASN1TaggedObject t) {
            v = t.getBaseObject();
        }
        return v;
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : "";
    }

    /** The IDNA A-label form in lower case, or null when it is no valid domain name. */
    static String aLabel(String name) {
        if (name == null || name.isEmpty() || name.endsWith(".")) {
            return null;
        }
        try {
            return IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
