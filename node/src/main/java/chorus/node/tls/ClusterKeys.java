package chorus.node.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The keys of the cluster link (Artery over TLS with mutual authentication): a private certificate
 * authority of the cluster ({@code ca.key}, {@code ca.crt}) and, per node, a directory with the node's RSA
 * key, its certificate signed by that CA, and the CA's certificate ({@code tls.key}, {@code tls.crt},
 * {@code ca.crt}: the layout of a Kubernetes TLS secret, which Pekko's rotating-keys provider reads).
 *
 * <p>Every node certificate names the cluster ({@code CN} and a DNS name): Pekko accepts a peer only when
 * its certificate chains to the CA and shares a subject name with its own. RSA because the provider reads
 * RSA keys only; the CA signs node certificates directly (the provider trusts no intermediate).
 */
public final class ClusterKeys {
    public static final String KEY = "tls.key";
    public static final String CERT = "tls.crt";
    public static final String CA = "ca.crt";
    public static final String CA_KEY = "ca.key";
    /** The subject name every node certificate of a cluster carries, unless another is given. */
    public static final String DEFAULT_CLUSTER_NAME = "chorus-cluster";
    static final Duration VALIDITY = Duration.ofDays(3652);
    static final Duration BACKDATE = Duration.ofDays(1);

    private ClusterKeys() {
    }

    /** Creates a new cluster CA in {@code caDir}; refuses to overwrite one that is there. */
    public static void createCa(Path caDir, Clock clock) {
        Path key = caDir.resolve(CA_KEY);
        Path cert = caDir.resolve(CA);
        if (Files.exists(key) || Files.exists(cert)) {
            throw new TlsSetupException(caDir + " already holds a cluster CA (" + CA_KEY + ", " + CA
                + "); remove it first to make a new one (every node then needs a new certificate)");
        }
        KeyPair keys = rsa(3072);
        X500Name subject = name("Chorus cluster CA");
        try {
            X509v3CertificateBuilder b = builder(subject, subject, keys, clock)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate ca = sign(b, keys.getPrivate());
            Files.createDirectories(caDir);
            PemFiles.writePrivateKey(key, keys.getPrivate());
            PemFiles.writeCertificates(cert, List.of(ca));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException("cannot create the cluster CA in " + caDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues a node's key and certificate, signed by the CA in {@code caDir}, into {@code nodeDir}
     * ({@code tls.key}, {@code tls.crt}, and a copy of {@code ca.crt}).
     *
     * @param clusterName the subject name all nodes of the cluster share
     * @param nodeName    a name of this node, added as a second DNS name (for the admin's eyes only)
     */
    public static void issueNode(Path caDir, Path nodeDir, String clusterName, String nodeName, Clock clock) {
        List<X509Certificate> caChain = PemFiles.readCertificates(caDir.resolve(CA));
        X509Certificate ca = caChain.get(0);
        PrivateKey caKey = PemFiles.readPrivateKey(caDir.resolve(CA_KEY));
        KeyPair keys = rsa(2048);
        X500Name issuer = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        try {
            GeneralName[] names = nodeName == null || nodeName.isBlank() || nodeName.equals(clusterName)
                ? new GeneralName[] {new GeneralName(GeneralName.dNSName, clusterName)}
                : new GeneralName[] {new GeneralName(GeneralName.dNSName, clusterName),
                    new GeneralName(GeneralName.dNSName, nodeName)};
            X509v3CertificateBuilder b = builder(issuer, name(clusterName), keys, clock)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                .addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            X509Certificate cert = sign(b, caKey);
            Files.createDirectories(nodeDir);
            PemFiles.writePrivateKey(nodeDir.resolve(KEY), keys.getPrivate());
            PemFiles.writeCertificates(nodeDir.resolve(CERT), List.of(cert));
            PemFiles.writeCertificates(nodeDir.resolve(CA), List.of(ca));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException("cannot issue a cluster certificate into " + nodeDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A node that has no peers needs no shared keys, only its own: a CA of its own and a node pair in
     * {@code dir}, made at the first start and kept. No other process can join it without that CA's key.
     */
    public static Path ownKeys(Path dir, Clock clock) {
        if (!Files.exists(dir.resolve(CERT))) {
            Path ca = dir.resolve("ca");
            if (!Files.exists(ca.resolve(CA_KEY))) {
                createCa(ca, clock);
            }
            issueNode(ca, dir, DEFAULT_CLUSTER_NAME, null, clock);
        }
        return dir;
    }

    /**
     * Checks a node's key directory before the link starts: the three files are there and readable, the
     * key is an RSA key belonging to the certificate, and the certificate was signed by the CA. The message
     * names {@code setting} and the file.
     */
    public static void check(Path nodeDir, String setting) {
        try {
            List<X509Certificate> chain = PemFiles.readCertificates(nodeDir.resolve(CERT));
            List<X509Certificate> ca = PemFiles.readCertificates(nodeDir.resolve(CA));
            PrivateKey key = PemFiles.readPrivateKey(nodeDir.resolve(KEY));
            if (!"RSA".equals(key.getAlgorithm())) {
                throw new TlsSetupException(nodeDir.resolve(KEY) + " holds a " + key.getAlgorithm()
                    + " key; the cluster link reads RSA keys only");
            }
            CertificateStore.requireMatch(key, chain.get(0), nodeDir.resolve(CERT), nodeDir.resolve(KEY));
            try {
                chain.get(0).verify(ca.get(0).getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new TlsSetupException(nodeDir.resolve(CERT) + " was not signed by the CA in "
                    + nodeDir.resolve(CA));
            }
        } catch (TlsSetupException e) {
            throw new TlsSetupException(setting + ": " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Clock clock) {
        Instant now = clock.instant();
        BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
        throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
    }

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot generate an RSA key: " + e.getMessage(), e);
        }
    }
}
