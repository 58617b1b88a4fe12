package chorus.node.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys and PEM files made the way an operator's tools (openssl) would make them. */
final class TestPki {
    private TestPki() {}

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed identity for {@code domain} over {@code keys}. */
    static TlsIdentity identity(String domain, KeyPair keys) {
        return SelfSignedCertificate.forKeyPair(domain, keys, Clock.systemUTC());
    }

    /**
     * Writes objects with BC's PEM writer: a certificate as CERTIFICATE, an RSA {@code java.security.PrivateKey}
     * in the traditional OpenSSL form (RSA PRIVATE KEY, PKCS#1).
     */
    static Path writePem(Path file, Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return write(file, text.toString());
    }

    /**
     * Writes an EC key as {@code openssl ecparam -genkey} does: an EC PARAMETERS block naming the curve,
     * then SEC1 (RFC 5915) with the curve and the public key inside.
     */
    static Path writeSec1(Path file, KeyPair keys) {
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        ASN1Encodable curve = publicKey.getAlgorithm().getParameters();
        ECPrivateKey sec1 = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                publicKey.getPublicKeyData(), curve);
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded()));
            pem.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return write(file, text.toString());
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
