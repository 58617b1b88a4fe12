package chorus.loadtest.client;

import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;

import java.time.Duration;

/**
 * How every connection of a run logs in. Over {@link Transport#WEBSOCKET} the target is an HTTP listener and
 * {@code tls} is {@link TlsMode#DIRECT} (wss://) or {@link TlsMode#NONE} (ws://, a listener behind a TLS proxy);
 * {@code wsPath} is the WebSocket's path there. With {@code streamManagement} each session enables XEP-0198 after
 * binding (it is ready once enabled), acknowledges what it receives and keeps what it sent until acknowledged.
 */
public record ClientConfig(String domain, TlsMode tls, Mechanism mechanism, SaltedPasswordCache scramCache,
                           Duration setupTimeout, Transport transport, String wsPath, boolean streamManagement) {
    public static final String DEFAULT_WS_PATH = "/xmpp-websocket";

    public ClientConfig {
        if (transport == Transport.WEBSOCKET && tls == TlsMode.STARTTLS) {
            tls = TlsMode.DIRECT; // RFC 7395 §3.2: TLS is the HTTP connection's (wss), there is no STARTTLS
        }
        if (!wsPath.startsWith("/")) {
            throw new IllegalArgumentException("the WebSocket path starts with '/', not '" + wsPath + "'");
        }
    }

    /** Without XEP-0198. */
    public ClientConfig(String domain, TlsMode tls, Mechanism mechanism, SaltedPasswordCache scramCache,
                        Duration setupTimeout, Transport transport, String wsPath) {
        this(domain, tls, mechanism, scramCache, setupTimeout, transport, wsPath, false);
    }

    /** Over TCP. */
    public ClientConfig(String domain, TlsMode tls, Mechanism mechanism, SaltedPasswordCache scramCache,
                        Duration setupTimeout) {
        this(domain, tls, mechanism, scramCache, setupTimeout, Transport.TCP, DEFAULT_WS_PATH);
    }

    public boolean websocket() {
        return transport == Transport.WEBSOCKET;
    }
}
