package chorus.node.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateStoreTest {
    static final String DOMAIN = "example.org";
    static final Instant NOW = Instant.parse("2025-05-01T12:00:00Z");

    @TempDir Path dataDir;
    @TempDir Path operatorDir;

    private TlsSettings selfSigned() {
        return TlsSettings.selfSigned(dataDir, DOMAIN);
    }

    private TlsIdentity loadAt(Instant now) {
        return CertificateStore.load(selfSigned(), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void firstStartWritesTheCertificateAndAnOwnerOnlyPkcs8KeyUnderTheDataDirectory() throws IOException {
        loadAt(NOW);

        Path certificate = dataDir.resolve("tls/example.org.crt.pem");
        Path key = dataDir.resolve("tls/example.org.key.pem");
        assertEquals(certificate, CertificateStore.certificateFile(selfSigned()));
        assertEquals(key, CertificateStore.keyFile(selfSigned()));
        assertTrue(Files.readString(certificate).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        try (Stream<Path> files = Files.list(dataDir.resolve("tls"))) {
            assertEquals(Set.of("example.org.crt.pem", "example.org.key.pem"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()), "no temporary files left");
        }
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("tls"))));
    }

    @Test
    void laterStartsReuseTheStoredPairInsteadOfGeneratingANewOne() throws IOException {
        TlsIdentity first = loadAt(NOW);
        byte[] keyFile = Files.readAllBytes(CertificateStore.keyFile(selfSigned()));

        TlsIdentity second = loadAt(NOW.plus(Duration.ofDays(30)));

        assertEquals(first.fingerprintSha256(), second.fingerprintSha256());
        assertArrayEquals(first.key().getEncoded(), second.key().getEncoded());
        assertArrayEquals(keyFile, Files.readAllBytes(CertificateStore.keyFile(selfSigned())));
    }

    @Test
    void generatedCertificateNamesTheDomainAsDnsNameAndXmppAddr() throws Exception {
        X509Certificate certificate = loadAt(NOW).leaf();

        assertEquals(3, certificate.getVersion());
        assertEquals("CN=example.org", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        GeneralName[] names = GeneralNames.fromExtensions(
                new JcaX509CertificateHolder(certificate).getExtensions(), Extension.subjectAlternativeName).getNames();
        assertEquals(2, names.length);
        assertEquals(GeneralName.dNSName, names[0].getTagNo());
        assertEquals(DOMAIN, ((ASN1String) names[0].getName()).getString());
        assertEquals(GeneralName.otherName, names[1].getTagNo());
        OtherName xmppAddr = OtherName.getInstance(names[1].getName());
        assertEquals("1.3.6.1.5.5.7.8.5", xmppAddr.getTypeID().getId());
        assertEquals(DOMAIN, ((ASN1UTF8String) xmppAddr.getValue()).getString());
    }

    @Test
    void generatedCertificateIsAnEcP256EndEntityCertificateValidForTenYears() throws Exception {
        X509Certificate certificate = loadAt(NOW).leaf();

        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey())
                .getParams().getCurve().getField().getFieldSize());
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertTrue(certificate.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is critical");
        boolean[] keyUsage = certificate.getKeyUsage();
        assertTrue(keyUsage[0], "digitalSignature");
        for (int bit = 1; bit < keyUsage.length; bit++) {
            assertFalse(keyUsage[bit], "key usage bit " + bit);
        }
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        assertEquals(NOW.minus(Duration.ofDays(1)), certificate.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(3652)), certificate.getNotAfter().toInstant());
        certificate.verify(certificate.getPublicKey());
    }

    @Test
    void twoGeneratedCertificatesHaveDifferentKeysAndSerials() {
        TlsIdentity one = SelfSignedCertificate.generate(DOMAIN, Clock.systemUTC());
        TlsIdentity two = SelfSignedCertificate.generate(DOMAIN, Clock.systemUTC());

        assertFalse(one.leaf().getSerialNumber().equals(two.leaf().getSerialNumber()));
        assertFalse(one.fingerprintSha256().equals(two.fingerprintSha256()));
    }

    @Test
    void aKeyLeftWithoutItsCertificateByACrashIsReplacedByANewPair() throws IOException {
        Files.createDirectories(dataDir.resolve("tls"));
        TestPki.write(dataDir.resolve("tls/example.org.key.pem"), "half written");

        TlsIdentity identity = loadAt(NOW);

        assertEquals(identity.fingerprintSha256(), loadAt(NOW).fingerprintSha256());
    }

    @Test
    void aStoredCertificateWhoseKeyIsGoneIsAnErrorNotAReplacement() throws IOException {
        loadAt(NOW);
        Path key = CertificateStore.keyFile(selfSigned());
        Files.delete(key);

        TlsSetupException error = assertThrows(TlsSetupException.class, () -> loadAt(NOW));

        assertTrue(error.getMessage().contains(key.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void operatorPemPairWithAPkcs1RsaKeyIsUsedAndNothingIsGenerated() throws IOException {
        KeyPair keys = TestPki.rsa();
        TlsIdentity issued = TestPki.identity(DOMAIN, keys);
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"), issued.leaf());
        Path key = TestPki.writePem(operatorDir.resolve("key.pem"), keys.getPrivate());
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        TlsIdentity loaded = CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN));

        assertEquals(issued.fingerprintSha256(), loaded.fingerprintSha256());
        assertArrayEquals(keys.getPrivate().getEncoded(), loaded.key().getEncoded());
        assertFalse(Files.exists(dataDir.resolve("tls")));
    }

    @Test
    void operatorPemPairWithASec1EcKeyIsUsed() throws IOException {
        KeyPair keys = TestPki.ec();
        TlsIdentity issued = TestPki.identity(DOMAIN, keys);
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"), issued.leaf());
        Path key = TestPki.writeSec1(operatorDir.resolve("key.pem"), keys);
        assertTrue(Files.readString(key).contains("-----BEGIN EC PRIVATE KEY-----"));

        TlsIdentity loaded = CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN));

        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), ((ECPrivateKey) loaded.key()).getS());
    }

    @Test
    void oneFileHoldingChainAndKeyServesAsBothAndKeepsTheChainInFileOrder() {
        KeyPair keys = TestPki.ec();
        TlsIdentity leaf = TestPki.identity("xmpp.example.org", keys);
        TlsIdentity other = TestPki.identity("ca.example.org", TestPki.ec());
        Path bundle = TestPki.writePem(operatorDir.resolve("bundle.pem"), leaf.leaf(), other.leaf(),
                new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded()));

        TlsIdentity loaded = CertificateStore.load(new TlsSettings(bundle, bundle, dataDir, DOMAIN));

        assertEquals(List.of(leaf.leaf(), other.leaf()), loaded.chain());
    }

    @Test
    void keyNotMatchingTheCertificateIsRejectedNamingBothFiles() {
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"),
                TestPki.identity(DOMAIN, TestPki.ec()).leaf());
        Path key = TestPki.writeSec1(operatorDir.resolve("key.pem"), TestPki.ec());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertTrue(error.getMessage().contains("does not match"), error.getMessage());
        assertTrue(error.getMessage().contains(certificate.toString()), error.getMessage());
        assertTrue(error.getMessage().contains(key.toString()), error.getMessage());
    }

    @Test
    void rsaKeyForAnEcCertificateIsRejectedAsNotMatching() {
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"),
                TestPki.identity(DOMAIN, TestPki.ec()).leaf());
        Path key = TestPki.writePem(operatorDir.resolve("key.pem"), TestPki.rsa().getPrivate());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertTrue(error.getMessage().contains("does not match"), error.getMessage());
    }

    @Test
    void missingCertificateFileIsRejectedNamingIt() {
        Path certificate = operatorDir.resolve("nope.pem");
        Path key = TestPki.writeSec1(operatorDir.resolve("key.pem"), TestPki.ec());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertEquals("TLS certificate file " + certificate + " does not exist", error.getMessage());
    }

    @Test
    void missingKeyFileIsRejectedNamingIt() {
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"),
                TestPki.identity(DOMAIN, TestPki.ec()).leaf());
        Path key = operatorDir.resolve("nope.key");

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertEquals("TLS key file " + key + " does not exist", error.getMessage());
    }

    @Test
    void fileWithoutACertificateIsRejectedNamingIt() {
        Path certificate = TestPki.write(operatorDir.resolve("cert.pem"), "this is not PEM\n");
        Path key = TestPki.writeSec1(operatorDir.resolve("key.pem"), TestPki.ec());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertEquals("TLS certificate file " + certificate + " holds no PEM CERTIFICATE block", error.getMessage());
    }

    @Test
    void corruptPemIsRejectedNamingTheFile() {
        Path certificate = TestPki.write(operatorDir.resolve("cert.pem"),
                "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");
        Path key = TestPki.writeSec1(operatorDir.resolve("key.pem"), TestPki.ec());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertTrue(error.getMessage().startsWith("TLS certificate file " + certificate + " is not readable PEM"),
                error.getMessage());
    }

    @Test
    void keyFileHoldingOnlyACertificateIsRejectedNamingIt() {
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"),
                TestPki.identity(DOMAIN, TestPki.ec()).leaf());

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, certificate, dataDir, DOMAIN)));

        assertTrue(error.getMessage().startsWith("TLS key file " + certificate + " holds no PEM PRIVATE KEY"),
                error.getMessage());
    }

    @Test
    void encryptedKeyIsRejectedWithAHintToDecryptIt() throws IOException {
        KeyPair keys = TestPki.ec();
        Path certificate = TestPki.writePem(operatorDir.resolve("cert.pem"), TestPki.identity(DOMAIN, keys).leaf());
        Path key = TestPki.writePem(operatorDir.resolve("key.pem"), new JcaMiscPEMGenerator(keys.getPrivate(),
                new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider()).build("secret".toCharArray())));
        assertTrue(Files.readString(key).contains("ENCRYPTED"));

        TlsSetupException error = assertThrows(TlsSetupException.class,
                () -> CertificateStore.load(new TlsSettings(certificate, key, dataDir, DOMAIN)));

        assertTrue(error.getMessage().contains(key + " holds an encrypted private key"), error.getMessage());
    }

    @Test
    void settingsWithOnlyOneOfTheTwoPemFilesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new TlsSettings(operatorDir.resolve("cert.pem"), null, dataDir, DOMAIN));
        assertThrows(IllegalArgumentException.class,
                () -> new TlsSettings(null, operatorDir.resolve("key.pem"), dataDir, DOMAIN));
    }

    @Test
    void aDomainThatIsNoDnsNameCannotNameTheStoredFiles() {
        TlsSettings settings = TlsSettings.selfSigned(dataDir, "../etc");

        assertThrows(TlsSetupException.class, () -> CertificateStore.load(settings));
    }

    @Test
    void identityNeverPrintsItsKey() {
        TlsIdentity identity = TestPki.identity(DOMAIN, TestPki.rsa());

        String printed = identity.toString();

        assertTrue(printed.contains("CN=example.org"), printed);
        assertFalse(printed.contains(identity.key().toString()), printed);
        assertFalse(printed.toLowerCase(java.util.Locale.ROOT).contains("private"), printed);
    }
}
