package chorus.node.config;

import chorus.node.s2s.DialbackKeys;
import chorus.node.s2s.S2sEndpoint;
import chorus.node.s2s.S2sResolver;
import chorus.node.s2s.SecureAuthPolicy;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;

import java.net.IDN;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Federation settings ({@code chorus.s2s}): listeners, how peers are found (RFC 6120 §3.2), which CAs
 * are trusted, how peers must authenticate, the dialback secret, and the limits of streams and queues.
 * Read and checked at start, also while federation is off ({@code enabled}).
 */
public record S2sSettings(boolean enabled, int port, int tlsPort, S2sResolver.Config resolver, boolean systemCas, List<Path> caFiles,
                          SecureAuthPolicy policy, Optional<byte[]> dialbackSecret, Duration connectTimeout,
                          Duration negotiationTimeout, Duration bounceAfter, Duration retryMin, Duration retryMax,
                          Duration idleTimeout, int maxIncomingStreams, int maxPerAddress, int maxQueuedStanzas, long maxQueuedBytes,
                          int maxStanzaSize, long readRateLimit, SessionLimits.Rate rate, boolean smEnabled) {

    static S2sSettings from(Config c, C2sSettings c2s) {
        int port = Settings.port(c, "chorus.s2s.port", true);
        int tlsPort = Settings.port(c, "chorus.s2s.tls-port", true);
        if (port != 0 && port == tlsPort) {
            throw new SettingsException("chorus.s2s.tls-port", "must differ from chorus.s2s.port");
        }
        for (int p : new int[] {port, tlsPort}) {
            if (p != 0 && (p == c2s.port() || p == c2s.tlsPort())) {
                throw new SettingsException("chorus.s2s.port/tls-port", p + " is a client port (chorus.c2s.port/tls-port)");
            }
        }
        S2sResolver.Config resolver = new S2sResolver.Config(nameservers(c, "chorus.s2s.resolver.nameservers"),
                positive(c, "chorus.s2s.resolver.timeout"), staticMap(c, "chorus.s2s.resolver.static"));
        List<Path> caFiles = new ArrayList<>();
        for (String f : c.getStringList("chorus.s2s.trust.ca-files")) {
            Path p = Path.of(f);
            if (!Files.isReadable(p)) {
                throw new SettingsException("chorus.s2s.trust.ca-files", "'" + f + "' is not a readable file");
            }
            caFiles.add(p);
        }
        boolean systemCas = c.getBoolean("chorus.s2s.trust.system-cas");
        if (!systemCas && caFiles.isEmpty()) {
            throw new SettingsException("chorus.s2s.trust", "system-cas is off and no ca-files are given: no peer certificate"
                    + " could ever be valid");
        }
        SecureAuthPolicy policy = new SecureAuthPolicy(c.getBoolean("chorus.s2s.secure-auth"),
                domains(c, "chorus.s2s.secure-domains"), domains(c, "chorus.s2s.insecure-domains"),
                domains(c, "chorus.s2s.plaintext-domains"));
        Duration retryMin = positive(c, "chorus.s2s.retry.min");
        Duration retryMax = positive(c, "chorus.s2s.retry.max");
        if (retryMin.compareTo(retryMax) > 0) {
            throw new SettingsException("chorus.s2s.retry.min", "must not exceed chorus.s2s.retry.max");
        }
        long stanza = Settings.bytes(c, "chorus.s2s.max-stanza-size", 1024, 64L * 1024 * 1024);
        long frame = c.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        if (frame < 2L * stanza) {
            throw new SettingsException("pekko.remote.artery.advanced.maximum-frame-size",
                    frame + " bytes is less than twice chorus.s2s.max-stanza-size (" + stanza + ")");
        }
        int incoming = Settings.intIn(c, "chorus.s2s.max-incoming-streams", 1, 1_000_000);
        int perAddress = Settings.intIn(c, "chorus.s2s.max-per-address", 1, 1_000_000);
        return new S2sSettings(c.getBoolean("chorus.s2s.enabled"), port, tlsPort, resolver, systemCas, caFiles, policy, secret(c, "chorus.s2s.dialback-secret"),
                positive(c, "chorus.s2s.connect-timeout"), positive(c, "chorus.s2s.negotiation-timeout"),
                positive(c, "chorus.s2s.bounce-after"), retryMin, retryMax,
                positive(c, "chorus.s2s.idle-timeout"), incoming, perAddress,
                Settings.intIn(c, "chorus.s2s.max-queued-stanzas", 1, 1_000_000),
                Settings.bytes(c, "chorus.s2s.max-queued-bytes", 1024, 1L << 32), (int) stanza,
                Settings.bytes(c, "chorus.s2s.read-rate-limit", 0, Long.MAX_VALUE), SessionLimits.rate(c, "chorus.s2s"),
                c.getBoolean("chorus.s2s.sm.enabled"));
    }

    /** How the entity of each pair of domains treats what waits for its peer. */
    public chorus.actors.s2s.RemoteSettings remote() {
        return new chorus.actors.s2s.RemoteSettings(bounceAfter, retryMin, retryMax, idleTimeout, maxQueuedStanzas,
                maxQueuedBytes, bounceAfter);
    }

    /** The dialback keys: from the configured secret, else derived from the cluster secret (the SASL decoy secret). */
    public DialbackKeys dialbackKeys(byte[] clusterSecret) {
        return dialbackSecret.map(DialbackKeys::fromSecret).orElseGet(() -> DialbackKeys.fromClusterSecret(clusterSecret));
    }

    /** What an operator must hear about at start (logged at WARN): plaintext federation is for private networks only. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (String d : policy.plaintextDomains()) {
            w.add("chorus.s2s.plaintext-domains: streams with " + d + " may go WITHOUT TLS (unencrypted, authenticated by"
                    + " dialback only); use this on a private network only");
        }
        return w;
    }

    private static Duration positive(Config c, String key) {
        Duration d = Settings.duration(c, key);
        if (d.isZero()) {
            throw new SettingsException(key, "must be more than 0");
        }
        return d;
    }

    private static Optional<byte[]> secret(Config c, String key) {
        String s = c.getString(key).strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] b = HexFormat.of().parseHex(s);
            if (b.length < 32) {
                throw new SettingsException(key, "needs at least 32 bytes (64 hex digits)");
            }
            return Optional.of(b);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, "is not hexadecimal");
        }
    }

    static List<InetSocketAddress> nameservers(Config c, String key) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : c.getString(key).split(",")) {
            if (!part.isBlank()) {
                out.add(hostPort(key, part.strip(), 53, true));
            }
        }
        return out;
    }

    static Set<String> domains(Config c, String key) {
        Set<String> out = new HashSet<>();
        for (String d : c.getStringList(key)) {
            out.add(domain(key, d));
        }
        return out;
    }

    /** {@code "domain" = ["host:port", "host:port direct-tls", ...]}: endpoints in the order to try. */
    static Map<String, List<S2sEndpoint>> staticMap(Config c, String key) {
        Map<String, List<S2sEndpoint>> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getObject(key).entrySet()) {
            String domain = domain(key, e.getKey());
            List<S2sEndpoint> endpoints = new ArrayList<>();
            List<String> entries;
            try {
                entries = c.getObject(key).toConfig().getStringList(com.typesafe.config.ConfigUtil.quoteString(e.getKey()));
            } catch (ConfigException.WrongType x) {
                throw new SettingsException(key + "." + e.getKey(), "must be a list like [\"host:5269\", \"host:5270 direct-tls\"] (quote a domain with dots: \"peer.example\" = [...])");
            }
            for (String entry : entries) {
                String[] words = entry.strip().split("\\s+");
                boolean directTls = words.length == 2 && words[1].equals("direct-tls");
                if (words.length > 2 || (words.length == 2 && !directTls)) {
                    throw new SettingsException(key + "." + e.getKey(), "'" + entry + "' is not 'host:port' or 'host:port direct-tls'");
                }
                InetSocketAddress hp = hostPort(key + "." + e.getKey(), words[0], -1, false);
                endpoints.add(new S2sEndpoint(hp.getHostString(), hp.getPort(), directTls));
            }
            if (endpoints.isEmpty()) {
                throw new SettingsException(key + "." + e.getKey(), "lists no endpoint");
            }
            out.put(domain, List.copyOf(endpoints));
        }
        return out;
    }

    // "host:port", "[v6]:port", a bare IPv6 literal; without a port the default (an error when none). Never resolved here.
    private static InetSocketAddress hostPort(String key, String text, int defaultPort, boolean ipOnly) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new SettingsException(key, "'" + text + "' is not [address]:port");
            }
            host = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new SettingsException(key, "'" + text + "' has no valid port");
            }
        }
        if (p < 1 || p > 65535) {
            throw new SettingsException(key, "'" + text + "' needs a port (1..65535)");
        }
        boolean ip = host.matches("[0-9.]+") || host.contains(":");
        if (ipOnly && !ip) {
            throw new SettingsException(key, "'" + text + "' is not an IP address and port");
        }
        if (!ip) {
            domain(key, host);
        }
        return InetSocketAddress.createUnresolved(host, p);
    }

    private static String domain(String key, String d) {
        try {
            String a = IDN.toASCII(d.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            if (a.isEmpty() || a.endsWith(".")) {
                throw new IllegalArgumentException();
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new SettingsException(key, "'" + d + "' is not a domain name");
        }
    }

    /** Never prints the dialback secret. */
    @Override
    public String toString() {
        return "S2sSettings[" + port + "/" + tlsPort + ", secure-auth " + policy.secureAuth() + "]";
    }
}
