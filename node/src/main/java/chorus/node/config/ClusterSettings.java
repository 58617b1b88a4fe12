package chorus.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import chorus.node.tls.ClusterKeys;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How this node joins its cluster ({@code chorus.cluster}): a fixed list of seed nodes, or Pekko
 * Management Cluster Bootstrap with DNS SRV discovery. {@link #pekkoConfig()} says it in Pekko's terms.
 * The link between nodes is TLS with mutual authentication ({@link #linkConfig}); {@code tlsDir} holds this
 * node's key, certificate and the cluster CA's certificate, or is null for a node alone, which makes its own.
 * {@code shards}: shards per entity type, the same on every node ({@link chorus.node.cluster.ShardCountCheck}).
 */
public record ClusterSettings(String host, int port, Discovery discovery, List<String> seedNodes, String dnsServiceName,
                              String dnsPortName, List<String> dnsNameservers, int requiredContactPoints,
                              int managementPort, Path tlsDir, int shards) {

    static final String TLS_DIR = "chorus.cluster.tls.dir (CHORUS_CLUSTER_TLS_DIR)";

    public enum Discovery { SEED_NODES, DNS }

    /** The Pekko system name every node shares; seed-node addresses carry it. */
    public static final String SYSTEM = "chorus";

    static ClusterSettings from(Config c) {
        String host = c.getString("chorus.cluster.host");
        if (host.isBlank()) {
            throw new SettingsException("chorus.cluster.host (CHORUS_CLUSTER_HOST)", "must not be empty");
        }
        int port = Settings.port(c, "chorus.cluster.port", false);
        Discovery discovery;
        String d = c.getString("chorus.cluster.discovery");
        switch (d) {
            case "seed-nodes": discovery = Discovery.SEED_NODES; break;
            case "dns": discovery = Discovery.DNS; break;
            default: throw new SettingsException("chorus.cluster.discovery (CHORUS_CLUSTER_DISCOVERY)",
                "must be seed-nodes or dns, not '" + d + "'");
        }
        List<String> seeds = new ArrayList<>();
        for (String s : split(c.getString("chorus.cluster.seed-nodes"))) {
            if (!s.matches("[^:/@\\s]+:\\d{1,5}")) {
                throw new SettingsException("chorus.cluster.seed-nodes (CHORUS_SEED_NODES)",
                    "'" + s + "' is not host:port");
            }
            seeds.add("pekko://" + SYSTEM + "@" + s);
        }
        List<String> nameservers = split(c.getString("chorus.cluster.dns.nameservers"));
        String tls = c.getString("chorus.cluster.tls.dir");
        return new ClusterSettings(host, port, discovery, seeds, c.getString("chorus.cluster.dns.service-name"),
            c.getString("chorus.cluster.dns.port-name"), nameservers,
            Settings.intIn(c, "chorus.cluster.dns.required-contact-points", 1, 1000),
            Settings.port(c, "chorus.cluster.management-port", false),
            tls.isBlank() ? null : Path.of(tls).toAbsolutePath(),
            Settings.intIn(c, "chorus.cluster.shards", 1, 100_000));
    }

    /**
     * The directory of this node's cluster keys, checked: the configured one, or for a node alone its own
     * (a CA and a node certificate made at the first start under {@code dataDir/cluster-tls}). A node with
     * peers and no keys does not start: the keys must come from the cluster's CA.
     */
    public Path linkKeys(Path dataDir, Clock clock) {
        Path dir = tlsDir;
        if (dir == null) {
            if (!alone()) {
                throw new SettingsException(TLS_DIR, "a node with peers needs the cluster's keys (tls.key, tls.crt, "
                    + "ca.crt); make them with chorusctl cluster-keys (see cluster-config/README.md)");
            }
            dir = ClusterKeys.ownKeys(dataDir.resolve("cluster-tls"), clock);
        }
        ClusterKeys.check(dir, TLS_DIR);
        return dir;
    }

    /**
     * Artery over TLS 1.3 with mutual authentication: Pekko's rotating-keys provider reads the PEM files of
     * {@code keys} (and reads them again every few minutes, so renewed certificates need no restart), trusts
     * only certificates signed by the cluster CA, and accepts a peer only when its certificate shares a
     * subject name with this node's.
     */
    public static Config linkConfig(Path keys) {
        String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
        return ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.transport", "tls-tcp",
            "pekko.remote.artery.ssl.ssl-engine-provider",
            "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider",
            engine + "key-file", keys.resolve(ClusterKeys.KEY).toString(),
            engine + "cert-file", keys.resolve(ClusterKeys.CERT).toString(),
            engine + "ca-cert-file", keys.resolve(ClusterKeys.CA).toString()));
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** The Pekko settings this means, to lay over the node's configuration. */
    public Config pekkoConfig() {
        Config c = ConfigFactory.empty()
            .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
            .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
            .withValue("pekko.cluster.sharding.number-of-shards", ConfigValueFactory.fromAnyRef(shards));
        if (discovery == Discovery.SEED_NODES) {
            return c.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
        }
        c = c.withFallback(ConfigFactory.parseMap(Map.of(
            "pekko.management.http.hostname", host,
            "pekko.management.http.port", managementPort,
            "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", "pekko-dns",
            "pekko.management.cluster.bootstrap.contact-point-discovery.service-name", dnsServiceName,
            "pekko.management.cluster.bootstrap.contact-point-discovery.port-name", dnsPortName,
            "pekko.management.cluster.bootstrap.contact-point-discovery.protocol", "tcp",
            "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", requiredContactPoints,
            "pekko.discovery.method", "pekko-dns",
            "pekko.io.dns.resolver", "async-dns")));
        if (!dnsNameservers.isEmpty()) {
            c = c.withValue("pekko.io.dns.async-dns.nameservers", ConfigValueFactory.fromIterable(dnsNameservers));
        }
        return c;
    }

    /**
     * True when other nodes may be members with this one: it has seeds or discovery, or the keys of a cluster's CA
     * (a node without seeds that others join). A node alone with keys of its own makes them from a CA of its own,
     * which no other node's certificate comes from.
     */
    public boolean sharesItsCluster() {
        return !alone() || tlsDir != null;
    }

    /** True when this node forms a cluster of its own (no seeds, no discovery). */
    public boolean alone() {
        return discovery == Discovery.SEED_NODES && seedNodes.isEmpty();
    }
}
