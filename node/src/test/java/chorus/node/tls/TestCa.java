package chorus.node.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority made for one test run: an EC P-256 root that issues server certificates with
 * the names a test asks for (DNS-IDs, SRV-IDs, XmppAddrs, a subject CN), as a private federation's CA
 * would. Peers (Prosody, ejabberd, Chorus) trust it through its PEM file.
 */
public final class TestCa {
    /** id-on-dnsSRV, RFC 4985: an otherName holding an SRV-ID ("_xmpp-server.example.org") as IA5String. */
    public static final ASN1ObjectIdentifier SRV_NAME = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.7");

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final X500Name name;

    private TestCa(KeyPair keys, X509Certificate certificate, X500Name name) {
        this.keys = keys;
        this.certificate = certificate;
        this.name = name;
    }

    /** A new root named {@code CN=<commonName>}, valid from a day ago for a week. */
    public static TestCa create(String commonName) {
        KeyPair keys = ecKeys();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(7))), name, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new TestCa(keys, cert, name);
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot create the test CA", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** What a server certificate names; every list may be empty. */
    public record Names(String commonName, List<String> dnsIds, List<String> srvIds, List<String> xmppAddrs, List<String> uris) {
        public Names {
            dnsIds = List.copyOf(dnsIds);
            srvIds = List.copyOf(srvIds);
            xmppAddrs = List.copyOf(xmppAddrs);
            uris = List.copyOf(uris);
        }

        /** CN and DNS-IDs only: what a web CA issues, and what Prosody and ejabberd check. */
        public static Names dns(String... dnsIds) {
            return new Names(dnsIds.length == 0 ? null : dnsIds[0], List.of(dnsIds), List.of(), List.of(), List.of());
        }

        /** A subject CN and no subjectAltName at all (old-style certificates). */
        public static Names cnOnly(String commonName) {
            return new Names(commonName, List.of(), List.of(), List.of(), List.of());
        }
    }

    /** A server certificate valid from a day ago for a week. */
    public TlsIdentity issue(Names names) {
        Instant now = Instant.now();
        return issue(names, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(7)));
    }

    public TlsIdentity issue(Names names, Instant notBefore, Instant notAfter) {
        KeyPair leafKeys = ecKeys();
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        if (names.commonName() != null) {
            subject.addRDN(BCStyle.CN, names.commonName());
        } else {
            subject.addRDN(BCStyle.O, "Chorus tests");
        }
        List<GeneralName> alt = new ArrayList<>();
        names.dnsIds().forEach(d -> alt.add(new GeneralName(GeneralName.dNSName, d)));
        names.srvIds().forEach(s -> alt.add(new GeneralName(GeneralName.otherName, new OtherName(SRV_NAME, new DERIA5String(s)))));
        names.xmppAddrs().forEach(x -> alt.add(new GeneralName(GeneralName.otherName,
                new OtherName(SelfSignedCertificate.XMPP_ADDR, new DERUTF8String(x)))));
        names.uris().forEach(u -> alt.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject.build(), leafKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            if (!alt.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(new GeneralName[0])));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new TlsIdentity(leafKeys.getPrivate(), List.of(cert, certificate));
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + names, e);
        }
    }

    /** Writes the root as a PEM file (what peers are given as their CA file). */
    public Path writeCertificate(Path file) {
        return writePem(file, List.of(certificate));
    }

    /**
     * Writes an identity as {@code <stem>.crt} (chain, leaf first) and {@code <stem>.key} in {@code directory}. The key
     * is SEC1 ({@code EC PRIVATE KEY}) with its public key inside, as {@code openssl ecparam -genkey} writes it:
     * ejabberd matches a key to its certificate by that public key, which the JDK's PKCS#8 encoding leaves out.
     */
    public static Path[] writeIdentity(TlsIdentity identity, Path directory, String stem) {
        Path cert = writePem(directory.resolve(stem + ".crt"), identity.chain());
        Path key = directory.resolve(stem + ".key");
        StringWriter text = new StringWriter();
        try {
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) identity.key();
                SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(identity.leaf().getPublicKey().getEncoded());
                ECPrivateKey sec1 = new ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                        spki.getPublicKeyData(), spki.getAlgorithm().getParameters());
                pem.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            Files.writeString(key, text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {cert, key};
    }

    private static Path writePem(Path file, List<X509Certificate> certificates) {
        StringWriter text = new StringWriter();
        try {
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                for (X509Certificate c : certificates) {
                    pem.writeObject(c);
                }
            }
            return Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }
}
