package chorus.node.sasl;

import javax.net.ssl.SSLSession;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The channel bindings (RFC 5056) a client stream's TLS offers its SCRAM -PLUS login (RFC 5802 §6), by type name.
 * Today {@code tls-server-end-point} (RFC 5929 §4): the hash of the certificate this server presented, which a client
 * behind a man in the middle with another certificate computes differently, so its proof fails. {@code tls-exporter}
 * (RFC 9266) needs TLS keying material exporters (RFC 5705), which none of the engines at hand offers: Java 17's
 * SSLEngine has none; netty-tcnative 2.0.81 and 2.0.84 ({@code io.netty.internal.tcnative.SSL}) bind only
 * getMasterKey/getClientRandom/getServerRandom, not BoringSSL's SSL_export_keying_material, and Netty 4.1's OpenSSL
 * engine adds nothing; Bouncy Castle's JSSE (bctls, {@code BCExtendedSSLSession.exportKeyingMaterialData}) would,
 * but bctls is not served by the build's Maven mirror. {@code tls-unique} is not defined for TLS 1.3 and is not
 * offered.
 */
public final class ChannelBindings {
    public static final String TLS_SERVER_END_POINT = "tls-server-end-point";
    public static final ChannelBindings NONE = new ChannelBindings(Map.of());

    private final Map<String, byte[]> data;

    private ChannelBindings(Map<String, byte[]> data) {
        this.data = data;
    }

    /** The bindings of a finished TLS handshake on our side of the connection. */
    public static ChannelBindings of(SSLSession session) {
        if (session == null) {
            return NONE;
        }
        Certificate[] ours = session.getLocalCertificates();
        if (ours == null || ours.length == 0 || !(ours[0] instanceof X509Certificate leaf)) {
            return NONE;
        }
        return serverEndPoint(leaf).map(h -> new ChannelBindings(Map.of(TLS_SERVER_END_POINT, h))).orElse(NONE);
    }

    /**
     * RFC 5929 §4.1: the certificate hashed with the hash function of its signature algorithm, SHA-256 where that
     * is MD5 or SHA-1; empty for algorithms with no single hash function (Ed25519, RSASSA-PSS), where the binding is
     * undefined.
     */
    public static Optional<byte[]> serverEndPoint(X509Certificate cert) {
        String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
        String hash;
        if (alg.startsWith("SHA384")) {
            hash = "SHA-384";
        } else if (alg.startsWith("SHA512")) {
            hash = "SHA-512";
        } else if (alg.startsWith("SHA224")) {
            hash = "SHA-224";
        } else if (alg.startsWith("SHA256") || alg.startsWith("SHA1") || alg.startsWith("MD5")) {
            hash = "SHA-256";
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageDigest.getInstance(hash).digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return Optional.empty();
        }
    }

    /** For tests and for transports that computed the data themselves. */
    static ChannelBindings of(Map<String, byte[]> data) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        data.forEach((k, v) -> copy.put(k, v.clone()));
        return new ChannelBindings(Map.copyOf(copy));
    }

    public boolean isEmpty() {
        return data.isEmpty();
    }

    public Set<String> types() {
        return data.keySet();
    }

    /** The binding data of {@code type}, or null when this connection has none of that type. */
    byte[] data(String type) {
        byte[] d = data.get(type);
        return d == null ? null : d.clone();
    }

    /** Never prints the data. */
    @Override
    public String toString() {
        return "ChannelBindings" + data.keySet();
    }
}
