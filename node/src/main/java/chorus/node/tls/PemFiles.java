package chorus.node.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM files: certificate chains, and unencrypted private keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) form. Writes are atomic: a temporary file
 * in the same directory, then a rename, so a crash never leaves half a key behind.
 */
final class PemFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private PemFiles() {}

    /** Every CERTIFICATE block in the file, in file order (leaf first, by convention); other blocks are skipped. */
    static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : readBlocks(file, "certificate")) {
            if (block instanceof X509CertificateHolder) {
                try {
                    chain.add(converter.getCertificate((X509CertificateHolder) block));
                } catch (CertificateException e) {
                    throw new TlsSetupException("TLS certificate file " + file + ": certificate " + (chain.size() + 1)
                            + " cannot be decoded: " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new TlsSetupException("TLS certificate file " + file + " holds no PEM CERTIFICATE block");
        }
        return chain;
    }

    /** The one private key in the file; certificates and EC PARAMETERS blocks beside it are skipped. */
    static PrivateKey readPrivateKey(Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey key = null;
        for (Object block : readBlocks(file, "key")) {
            PrivateKey found;
            try {
                if (block instanceof PrivateKeyInfo) {
                    found = converter.getPrivateKey((PrivateKeyInfo) block);
                } else if (block instanceof PEMKeyPair) {
                    // SEC1 keys may omit the public key, so only the private half is converted.
                    found = converter.getPrivateKey(((PEMKeyPair) block).getPrivateKeyInfo());
                } else if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsSetupException("TLS key file " + file + " holds an encrypted private key;"
                            + " give an unencrypted one (for example: openssl pkey -in key.pem -out plain.pem)");
                } else {
                    continue;
                }
            } catch (IOException e) {
                throw new TlsSetupException("TLS key file " + file + ": the private key cannot be decoded: "
                        + e.getMessage(), e);
            }
            if (key != null) {
                throw new TlsSetupException("TLS key file " + file + " holds more than one private key");
            }
            key = found;
        }
        if (key == null) {
            throw new TlsSetupException("TLS key file " + file
                    + " holds no PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
        }
        return key;
    }

    /** The chain as consecutive CERTIFICATE blocks. */
    static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : chain) {
                pem.writeObject(certificate);
            }
        }
        writeAtomically(file, text.toString().getBytes(StandardCharsets.US_ASCII), WORLD_READABLE);
    }

    /** The key as an unencrypted PKCS#8 PRIVATE KEY block, readable by the owner only. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        }
        writeAtomically(file, text.toString().getBytes(StandardCharsets.US_ASCII), OWNER_ONLY);
    }

    /** Writes to a temporary file beside the target, syncs it, then renames it over the target. */
    static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                out.write(content);
                out.flush();
                channel.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(temporary, permissions);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static List<Object> readBlocks(Path file, String what) {
        String label = "TLS " + what + " file " + file;
        if (!Files.exists(file)) {
            throw new TlsSetupException(label + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new TlsSetupException(label + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new TlsSetupException(label + " cannot be read (permission denied)");
        }
        List<Object> blocks = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
                PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // BC reports bad base64 and bad DER as unchecked exceptions as well as IOExceptions.
            throw new TlsSetupException(label + " is not readable PEM: " + e.getMessage(), e);
        }
        return blocks;
    }
}
