package chorus.node.tls;

import java.math.BigInteger;
import java.net.IDN;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a node uses when the operator gives none: an EC P-256 key and a ten-year X.509 v3
 * certificate naming the XMPP domain as DNS-ID and as XmppAddr (RFC 6120 §13.7.1.2).
 *
 * <p>EC P-256 rather than RSA: every TLS 1.2/1.3 stack a current XMPP client uses supports ECDSA
 * P-256 with ECDHE, the key is small and signing is cheap, and it is what RFC 8446 §9.1 makes
 * mandatory to implement.
 */
public final class SelfSignedCertificate {
    /** id-on-xmppAddr, RFC 6120 §13.7.1.4: an otherName holding the JID as a UTF8String. */
    public static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    static final Duration VALIDITY = Duration.ofDays(3652);
    /** Start a day early so a client whose clock runs behind does not see a certificate from the future. */
    static final Duration BACKDATE = Duration.ofDays(1);

    private SelfSignedCertificate() {}

    /** A new EC P-256 key pair and a self-signed certificate for {@code domain}. */
    public static TlsIdentity generate(String domain, Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return forKeyPair(domain, generator.generateKeyPair(), clock);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot generate an EC P-256 key for " + domain + ": " + e.getMessage(), e);
        }
    }

    /** A self-signed certificate for {@code domain} over the given EC or RSA key pair. */
    static TlsIdentity forKeyPair(String domain, KeyPair keys, Clock clock) {
        Instant now = clock.instant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, domain).build();
        BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, subjectAltNames(domain))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            var signer = new JcaContentSignerBuilder(signatureAlgorithm(keys)).build(keys.getPrivate());
            var certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new TlsIdentity(keys.getPrivate(), List.of(certificate));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new TlsSetupException("cannot build a certificate for " + domain + ": " + e.getMessage(), e);
        }
    }

    // RFC 6120 §13.7.1.2: a DNS-ID for the domain (A-labels, RFC 5890) and the XmppAddr in its Unicode form.
    private static GeneralNames subjectAltNames(String domain) {
        return new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES)),
            new GeneralName(GeneralName.otherName, new OtherName(XMPP_ADDR, new DERUTF8String(domain))),
        });
    }

    private static String signatureAlgorithm(KeyPair keys) {
        switch (keys.getPrivate().getAlgorithm()) {
            case "EC":
                return "SHA256withECDSA";
            case "RSA":
                return "SHA256withRSA";
            default:
                throw new TlsSetupException("cannot self-sign with a " + keys.getPrivate().getAlgorithm() + " key");
        }
    }
}
