package chorus.node.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The private key this node proves itself with and its certificate chain, leaf first. */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {

    public TlsIdentity {
        if (key == null) {
            throw new IllegalArgumentException("TLS identity without a private key");
        }
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("TLS identity without a certificate");
        }
    }

    /** The certificate that names this server. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** SHA-256 of the leaf certificate's DER form, as colon-separated upper-case hex (like {@code openssl x509 -fingerprint -sha256}). */
    public String fingerprintSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate " + leaf().getSubjectX500Principal(), e);
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "TlsIdentity[" + leaf().getSubjectX500Principal().getName() + " "
                + key.getAlgorithm().toLowerCase(Locale.ROOT) + " key, chain of " + chain.size()
                + ", sha256 " + fingerprintSha256() + "]";
    }
}
