package chorus.node.s2s;

import java.net.InetSocketAddress;

/**
 * Where to connect for a remote domain: a host (a DNS name or an IP literal) and port, and whether TLS
 * starts at once (XEP-0368 direct TLS, from an {@code _xmpps-server._tcp} record) or after
 * {@code <starttls/>}. Priority and weight are those of the SRV record it came from (0 otherwise).
 */
public record S2sEndpoint(String host, int port, boolean directTls, int priority, int weight) {
    public S2sEndpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
    }

    public S2sEndpoint(String host, int port, boolean directTls) {
        this(host, port, directTls, 0, 0);
    }

    /** One address of an endpoint, in the order a connection should try them. */
    public record Address(InetSocketAddress address, String host, boolean directTls) {
        /** Addresses stay out of logs (README: no IP addresses in logs); the host name may be printed. */
        @Override
        public String toString() {
            return "Address[" + host + ":" + address.getPort() + (directTls ? " direct-tls" : "") + "]";
        }
    }
}
