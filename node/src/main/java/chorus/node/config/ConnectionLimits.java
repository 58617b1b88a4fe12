package chorus.node.config;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * What one client connection, and all of them together, may cost the node ({@code chorus.c2s}): element
 * shape, the outbound buffer of a client that does not read, and how many connections are open at once.
 *
 * @param maxAttributes       attributes on one element; more end the stream with policy-violation
 * @param maxNamespaces       namespace declarations on one element; more end the stream with policy-violation
 * @param writeBufferLow      outbound bytes waiting below which reading resumes
 * @param writeBufferHigh     outbound bytes waiting above which the client is no longer read from
 * @param writeBufferMax      outbound bytes written while the client is behind (above the high mark) at which the connection ends at once (resource-constraint)
 * @param connectionTimeout   how long a client may leave the outbound buffer above the high mark before its
 *                            stream ends (connection-timeout)
 * @param maxConnections      client connections open on the node; more are refused (resource-constraint)
 * @param maxUnauthenticated  of them, not yet authenticated; more are refused (resource-constraint)
 * @param maxPerAddress       from one IPv4 address or one IPv6 /64; more are refused (policy-violation)
 */
public record ConnectionLimits(int maxAttributes, int maxNamespaces, int writeBufferLow, int writeBufferHigh,
                               long writeBufferMax, Duration connectionTimeout, int maxConnections,
                               int maxUnauthenticated, int maxPerAddress) {

    static ConnectionLimits from(Config c) {
        int attributes = Settings.intIn(c, "chorus.c2s.max-attributes", 8, 100_000);
        int namespaces = Settings.intIn(c, "chorus.c2s.max-namespaces", 4, 100_000);
        long low = Settings.bytes(c, "chorus.c2s.write-buffer.low", 1024, 64L * 1024 * 1024);
        long high = Settings.bytes(c, "chorus.c2s.write-buffer.high", 1024, 64L * 1024 * 1024);
        long max = Settings.bytes(c, "chorus.c2s.write-buffer.max", 1024, 1024L * 1024 * 1024);
        if (low >= high) {
            throw new SettingsException("chorus.c2s.write-buffer.low", "must be less than chorus.c2s.write-buffer.high");
        }
        if (max <= high) {
            throw new SettingsException("chorus.c2s.write-buffer.max", "must be more than chorus.c2s.write-buffer.high");
        }
        Duration timeout = Settings.duration(c, "chorus.c2s.connection-timeout");
        if (timeout.isZero()) {
            throw new SettingsException("chorus.c2s.connection-timeout", "must be more than 0");
        }
        int connections = Settings.intIn(c, "chorus.c2s.max-connections", 1, 10_000_000);
        int unauthenticated = Settings.intIn(c, "chorus.c2s.max-unauthenticated", 1, 10_000_000);
        int perAddress = Settings.intIn(c, "chorus.c2s.max-per-address", 1, 10_000_000);
        return new ConnectionLimits(attributes, namespaces, (int) low, (int) high, max, timeout, connections,
            unauthenticated, perAddress);
    }
}
