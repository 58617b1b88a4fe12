package chorus.node.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation the node's client-facing listeners (c2s STARTTLS and direct TLS, HTTPS) use
 * ({@code chorus.tls.engine}). BoringSSL (netty-tcnative) does a handshake's ECDSA signature and ECDHE in a fraction
 * of the JDK's pure-Java elliptic-curve code: in a JFR profile of a login storm the JDK's handshake was two thirds of
 * the node's CPU (loadtest/RESULTS.md, issue 18). Server-to-server TLS stays on the JDK.
 */
public enum TlsEngine {
    /** BoringSSL when its native library loads on this machine, the JDK's otherwise. */
    AUTO,
    /** BoringSSL; the node does not start without it. */
    OPENSSL,
    /** The JDK's SSLEngine. */
    JDK;

    /** The setting's value ({@code auto}, {@code openssl}, {@code jdk}), or null when it is none of them. */
    public static TlsEngine parse(String value) {
        for (TlsEngine e : values()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        return null;
    }

    /** The provider this choice means on this machine; {@link TlsSetupException} for OPENSSL without the library. */
    SslProvider provider() {
        return switch (this) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsSetupException("chorus.tls.engine = openssl, but netty-tcnative's BoringSSL does not load "
                        + "here: " + OpenSsl.unavailabilityCause(), OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
        };
    }
}
