package chorus.node.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the node's TLS identity comes from, and which TLS implementation serves clients. With both PEM paths set,
 * the certificate chain and key are read from them; with neither, a self-signed certificate for {@code domain} is
 * generated once under {@code dataDirectory/tls/} and reused on later starts.
 */
public record TlsSettings(Path certificatePem, Path keyPem, Path dataDirectory, String domain, TlsEngine engine) {

    /** With the engine chosen by {@link TlsEngine#AUTO}. */
    public TlsSettings(Path certificatePem, Path keyPem, Path dataDirectory, String domain) {
        this(certificatePem, keyPem, dataDirectory, domain, TlsEngine.AUTO);
    }

    public TlsSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(domain, "domain");
        if (domain.isBlank()) {
            throw new IllegalArgumentException("TLS settings: the XMPP domain is empty");
        }
        if ((certificatePem == null) != (keyPem == null)) {
            throw new IllegalArgumentException("TLS settings: give both a certificate PEM and a key PEM, or neither"
                    + " (certificate=" + certificatePem + ", key=" + keyPem + ")");
        }
    }

    /** Settings without PEM files: a self-signed certificate is generated in the data directory. */
    public static TlsSettings selfSigned(Path dataDirectory, String domain) {
        return new TlsSettings(null, null, dataDirectory, domain);
    }

    /** True when the operator gave a certificate and key. */
    public boolean hasPemFiles() {
        return certificatePem != null;
    }
}
