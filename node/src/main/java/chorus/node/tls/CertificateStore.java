package chorus.node.tls;

import java.io.IOException;
import java.net.IDN;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's TLS identity: the operator's PEM files when given, otherwise the self-signed pair
 * kept in {@code <dataDirectory>/tls/}, generated on the first start and read on every later one.
 */
public final class CertificateStore {
    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);
    private static final Pattern FILE_SAFE = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private CertificateStore() {}

    /** The identity the settings describe; generates and stores the self-signed one if needed. */
    public static TlsIdentity load(TlsSettings settings) {
        return load(settings, Clock.systemUTC());
    }

    static TlsIdentity load(TlsSettings settings, Clock clock) {
        if (settings.hasPemFiles()) {
            return read(settings.certificatePem(), settings.keyPem());
        }
        Path certificate = certificateFile(settings);
        Path key = keyFile(settings);
        // The certificate is written last, so its presence marks a complete pair.
        if (Files.exists(certificate)) {
            if (!Files.exists(key)) {
                throw new TlsSetupException("TLS key file " + key + " does not exist, but its certificate " + certificate
                        + " does; restore the key or delete the certificate to generate a new pair");
            }
            return read(certificate, key);
        }
        return generate(settings, clock, certificate, key);
    }

    /**
     * The identity the settings describe without generating one: the PEM files, or the generated pair if
     * a node made it already; empty when neither exists yet. Throws {@link TlsSetupException} like a start would.
     */
    public static java.util.Optional<TlsIdentity> existing(TlsSettings settings) {
        if (settings.hasPemFiles()) {
            return java.util.Optional.of(read(settings.certificatePem(), settings.keyPem()));
        }
        Path certificate = certificateFile(settings);
        return Files.exists(certificate) ? java.util.Optional.of(read(certificate, keyFile(settings)))
            : java.util.Optional.empty();
    }

    /** {@code <dataDirectory>/tls/<domain>.crt.pem} */
    public static Path certificateFile(TlsSettings settings) {
        return directory(settings).resolve(fileStem(settings.domain()) + ".crt.pem");
    }

    /** {@code <dataDirectory>/tls/<domain>.key.pem} (PKCS#8, owner-only) */
    public static Path keyFile(TlsSettings settings) {
        return directory(settings).resolve(fileStem(settings.domain()) + ".key.pem");
    }

    /** Reads a chain and a key and checks that the key belongs to the chain's first certificate. */
    static TlsIdentity read(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateFile);
        PrivateKey key = PemFiles.readPrivateKey(keyFile);
        requireMatch(key, chain.get(0), certificateFile, keyFile);
        return new TlsIdentity(key, chain);
    }

    private static TlsIdentity generate(TlsSettings settings, Clock clock, Path certificate, Path key) {
        TlsIdentity identity = SelfSignedCertificate.generate(settings.domain(), clock);
        try {
            createDirectory(certificate.getParent());
            PemFiles.writePrivateKey(key, identity.key());
            PemFiles.writeCertificates(certificate, identity.chain());
        } catch (IOException e) {
            throw new TlsSetupException("cannot write the self-signed TLS certificate to " + certificate.getParent()
                    + ": " + e.getMessage(), e);
        }
        log.info("Generated a self-signed TLS certificate for {} in {}", settings.domain(), certificate);
        return identity;
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(directory);
        }
    }

    // Signs a random challenge with the key and verifies it with the certificate's public key.
    static void requireMatch(PrivateKey key, X509Certificate leaf, Path certificateFile, Path keyFile) {
        String mismatch = "TLS key file " + keyFile + " does not match the first certificate in " + certificateFile
                + " (" + leaf.getSubjectX500Principal().getName() + ")";
        String algorithm = proofAlgorithm(key, keyFile);
        if (!algorithm.equals(proofAlgorithm(leaf.getPublicKey().getAlgorithm()))) {
            throw new TlsSetupException(mismatch + ": the key is " + key.getAlgorithm() + ", the certificate's is "
                    + leaf.getPublicKey().getAlgorithm());
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw new TlsSetupException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(mismatch + ": " + e.getMessage(), e);
        }
    }

    private static String proofAlgorithm(PrivateKey key, Path keyFile) {
        String algorithm = proofAlgorithm(key.getAlgorithm());
        if (algorithm == null) {
            throw new TlsSetupException("TLS key file " + keyFile + " holds a " + key.getAlgorithm()
                    + " key; only RSA and EC keys are supported");
        }
        return algorithm;
    }

    private static String proofAlgorithm(String keyAlgorithm) {
        switch (keyAlgorithm) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            default:
                return null;
        }
    }

    private static Path directory(TlsSettings settings) {
        return settings.dataDirectory().resolve("tls");
    }

    // The domain becomes a file name: A-labels, lower case, nothing that could climb out of the directory.
    private static String fileStem(String domain) {
        String stem;
        try {
            stem = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            stem = "";
        }
        if (!FILE_SAFE.matcher(stem).matches() || stem.contains("..")) {
            throw new TlsSetupException("cannot keep a self-signed certificate for the domain '" + domain
                    + "': it is not a DNS name; give a certificate and key as PEM files");
        }
        return stem;
    }
}
