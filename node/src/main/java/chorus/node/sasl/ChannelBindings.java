package chorus.node.sasl;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;
import java.lang.reflect.Method;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The channel bindings (RFC 5056) a client stream's TLS offers its SCRAM -PLUS login (RFC 5802 §6), by type name, in
 * the order of preference. {@code tls-server-end-point} (RFC 5929 §4): the hash of the certificate this server
 * presented, which a client behind a man in the middle with another certificate computes differently, so its proof
 * fails. {@code tls-exporter} (RFC 9266): keying material exported from this very TLS 1.3 session (RFC 5705 /
 * RFC 8446 §7.5), which differs on each side of any man in the middle, whatever certificate it shows. BoringSSL (the
 * default engine where it loads) exports through the node's TLS code ({@link Exporter}, given by the transport); the
 * JDK's own engine exports on Java 25 or later ({@code ExtendedSSLSession.exportKeyingMaterialData}, looked up at run
 * time: this code is built for Java 17); Java 17's SSLEngine has no exporter. {@code tls-unique} is not defined for
 * TLS 1.3 and is not offered.
 */
public final class ChannelBindings {
    public static final String TLS_SERVER_END_POINT = "tls-server-end-point";
    public static final String TLS_EXPORTER = "tls-exporter";
    /** RFC 9266 §2: the exporter's label, with an empty context, 32 bytes. */
    public static final String EXPORTER_LABEL = "EXPORTER-Channel-Binding";
    /** {@code ExtendedSSLSession.exportKeyingMaterialData(String, byte[], int)}: Java 25 and later, else null. */
    private static final Method EXPORTER = exporterMethod();
    public static final ChannelBindings NONE = new ChannelBindings(Map.of());

    private final Map<String, byte[]> data;

    private ChannelBindings(Map<String, byte[]> data) {
        this.data = data;
    }

    /** A TLS session's keying material exporter (RFC 5705, RFC 8446 §7.5), for engines that cannot export alone. */
    @FunctionalInterface
    public interface Exporter {
        /** {@code length} bytes for {@code label} and {@code context}; empty where the session cannot export. */
        Optional<byte[]> export(String label, byte[] context, int length);
    }

    /** The bindings of a finished TLS handshake on our side of the connection. */
    public static ChannelBindings of(SSLSession session) {
        return of(session, (label, context, length) -> Optional.empty());
    }

    /**
     * The same, with the exporter of the connection's engine; the JDK session's own (Java 25+) where that gives
     * nothing.
     */
    public static ChannelBindings of(SSLSession session, Exporter exporter) {
        if (session == null) {
            return NONE;
        }
        Map<String, byte[]> found = new LinkedHashMap<>();
        Optional<byte[]> exported = "TLSv1.3".equals(session.getProtocol())
                ? exporter.export(EXPORTER_LABEL, new byte[0], 32) : Optional.empty();
        exported.or(() -> exporter(session)).ifPresent(x -> found.put(TLS_EXPORTER, x));
        Certificate[] ours = session.getLocalCertificates();
        if (ours != null && ours.length > 0 && ours[0] instanceof X509Certificate leaf) {
            serverEndPoint(leaf).ifPresent(h -> found.put(TLS_SERVER_END_POINT, h));
        }
        return found.isEmpty() ? NONE : new ChannelBindings(Collections.unmodifiableMap(found));
    }

    /**
     * RFC 9266 §2: 32 bytes exported from a TLS 1.3 session with the label {@value #EXPORTER_LABEL} and an empty
     * context; empty on TLS 1.2 (where the exporter is not safe without extended master secret, §3), and where the
     * session cannot export (before Java 25, or another engine's session).
     */
    public static Optional<byte[]> exporter(SSLSession session) {
        if (EXPORTER == null || !(session instanceof ExtendedSSLSession) || !"TLSv1.3".equals(session.getProtocol())) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable((byte[]) EXPORTER.invoke(session, EXPORTER_LABEL, new byte[0], 32));
        } catch (ReflectiveOperationException | RuntimeException notThisEngine) {
            return Optional.empty();
        }
    }

    private static Method exporterMethod() {
        try {
            return ExtendedSSLSession.class.getMethod("exportKeyingMaterialData", String.class, byte[].class, int.class);
        } catch (NoSuchMethodException beforeJava25) {
            return null;
        }
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
