package chorus.persistence.cassandra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where Chorus's data lives: the {@code chorus.cassandra} block, read once and validated. No contact points
 * means single-machine mode: the node starts a {@link LocalCassandra} of its own and uses that.
 */
public record CassandraSettings(
        List<InetSocketAddress> contactPoints,
        String localDatacenter,
        String keyspace,
        Replication replication,
        Local local) {

    public static final String PATH = "chorus.cassandra";
    /** The datacenter {@code SimpleSnitch} puts the local node in. */
    public static final String LOCAL_NODE_DATACENTER = "datacenter1";
    public static final int DEFAULT_CQL_PORT = 9042;

    // Unquoted CQL names are folded to lower case; the plugin also wants a leading letter.
    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    public CassandraSettings {
        contactPoints = List.copyOf(contactPoints);
        if (localDatacenter == null || localDatacenter.isBlank()) {
            throw new IllegalArgumentException(PATH + ".local-datacenter must not be empty");
        }
        requireKeyspaceName(keyspace);
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(local, "local");
        if (contactPoints.isEmpty()) {
            requireLocalNodeFit(localDatacenter, replication);
        }
    }

    /** Reads and validates {@code chorus.cassandra} of an application's (resolved) configuration. */
    public static CassandraSettings from(Config config) {
        Config c = config.getConfig(PATH);
        try {
            List<InetSocketAddress> points = new ArrayList<>();
            for (String spec : c.getStringList("contact-points")) {
                points.add(contactPoint(spec));
            }
            return new CassandraSettings(points, c.getString("local-datacenter"), c.getString("keyspace"),
                    replication(c.getConfig("replication")), Local.from(c.getConfig("local")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), PATH, e.getMessage(), e);
        }
    }

    /** Keyspace names go into CQL unquoted: they must not need quoting. */
    static void requireKeyspaceName(String keyspace) {
        if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
            throw new IllegalArgumentException(PATH + ".keyspace: '" + keyspace
                    + "' is not a keyspace name (lower-case letter, then up to 47 lower-case letters, digits or _)");
        }
    }

    /** True when no cluster is configured and the node runs its own local Cassandra. */
    public boolean usesLocalNode() {
        return contactPoints.isEmpty();
    }

    /** The same settings pointed at other nodes, e.g. at the {@link LocalCassandra} that was just started. */
    public CassandraSettings withContactPoints(List<InetSocketAddress> points) {
        return new CassandraSettings(points, localDatacenter, keyspace, replication, local);
    }

    /** The same settings with another keyspace (tests isolate themselves by keyspace). */
    public CassandraSettings withKeyspace(String name) {
        return new CassandraSettings(contactPoints, localDatacenter, name, replication, local);
    }

    /** Parses {@code host}, {@code host:port} or {@code [ipv6]:port}; the port defaults to 9042. */
    public static InetSocketAddress contactPoint(String spec) {
        String what = PATH + ".contact-points: '" + spec + "' ";
        String s = spec.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || (end + 1 < s.length() && s.charAt(end + 1) != ':')) {
                throw new IllegalArgumentException(what + "is not [ipv6-address]:port");
            }
            host = s.substring(1, end);
            port = end + 1 < s.length() ? s.substring(end + 2) : null;
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon != s.lastIndexOf(':')) {
                throw new IllegalArgumentException(what + "has several ':'; write an IPv6 address as [address]:port");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(what + "has no host");
        }
        int number = DEFAULT_CQL_PORT;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException(what + "has no valid port");
            }
        }
        return InetSocketAddress.createUnresolved(host, number);
    }

    /** {@code host:port} as the driver's {@code basic.contact-points} takes it. */
    public static String format(InetSocketAddress point) {
        String host = point.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + point.getPort();
    }

    private static Replication replication(Config r) {
        String strategy = r.getString("strategy");
        switch (strategy) {
            case "SimpleStrategy":
                return new Replication.Simple(r.getInt("factor"));
            case "NetworkTopologyStrategy":
                Map<String, Integer> factors = new TreeMap<>();
                for (Map.Entry<String, ConfigValue> e : r.getObject("datacenters").entrySet()) {
                    Object value = e.getValue().unwrapped();
                    if (!(value instanceof Integer)) {
                        throw new IllegalArgumentException(PATH + ".replication.datacenters." + e.getKey()
                                + " must be a whole number, not " + e.getValue().render());
                    }
                    factors.put(e.getKey(), (Integer) value);
                }
                return new Replication.NetworkTopology(factors);
            default:
                throw new IllegalArgumentException(PATH + ".replication.strategy must be SimpleStrategy or "
                        + "NetworkTopologyStrategy, not '" + strategy + "'");
        }
    }

    // One node in datacenter1 holds every replica there is: anything else leaves the plugin's QUORUM
    // writes unavailable.
    private static void requireLocalNodeFit(String localDatacenter, Replication replication) {
        if (!LOCAL_NODE_DATACENTER.equals(localDatacenter)) {
            throw new IllegalArgumentException(PATH + ".local-datacenter must be '" + LOCAL_NODE_DATACENTER
                    + "' when contact-points is empty (the local node's datacenter), not '" + localDatacenter + "'");
        }
        boolean fits = replication instanceof Replication.Simple simple
                ? simple.factor() == 1
                : ((Replication.NetworkTopology) replication).datacenters().equals(Map.of(LOCAL_NODE_DATACENTER, 1));
        if (!fits) {
            throw new IllegalArgumentException(PATH + ".replication must keep one copy when contact-points is empty "
                    + "(the local node is the only one): factor = 1, not " + replication.cql());
        }
    }

    /** The local node of the single-machine mode ({@code chorus.cassandra.local}); unused with contact points. */
    public record Local(
            int cqlPort,
            int storagePort,
            Profile profile,
            String heap,
            Duration startTimeout,
            Duration stopTimeout,
            Optional<Path> libDirectory) {

        private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[MG]");

        public Local {
            if (cqlPort < 1 || cqlPort > 65535) {
                throw new IllegalArgumentException(PATH + ".local.cql-port is no port: " + cqlPort);
            }
            // The JMX port (for nodetool) is the storage port + 199.
            if (storagePort < 1 || storagePort > 65535 - 199) {
                throw new IllegalArgumentException(PATH + ".local.storage-port must be 1.." + (65535 - 199)
                        + ", not " + storagePort);
            }
            if (storagePort == cqlPort || storagePort + 199 == cqlPort) {
                throw new IllegalArgumentException(PATH + ".local.cql-port " + cqlPort
                        + " collides with the storage port or its JMX port (storage + 199)");
            }
            if (heap == null || !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException(PATH + ".local.heap must look like 512M or 1G, not '" + heap + "'");
            }
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException(PATH + ".local.start-timeout must be positive");
            }
            if (stopTimeout.isNegative() || stopTimeout.isZero()) {
                throw new IllegalArgumentException(PATH + ".local.stop-timeout must be positive");
            }
        }

        static Local from(Config l) {
            String lib = l.getString("lib-directory");
            return new Local(l.getInt("cql-port"), l.getInt("storage-port"), Profile.parse(l.getString("profile")),
                    l.getString("heap"), l.getDuration("start-timeout"), l.getDuration("stop-timeout"),
                    lib.isBlank() ? Optional.empty() : Optional.of(Path.of(lib)));
        }

        /** The same local node settings on other ports (tests run their own node beside the shared one). */
        public Local withPorts(int cql, int storage) {
            return new Local(cql, storage, profile, heap, startTimeout, stopTimeout, libDirectory);
        }

        /** The same local node settings with another profile and heap. */
        public Local withProfile(Profile p, String maxHeap) {
            return new Local(cqlPort, storagePort, p, maxHeap, startTimeout, stopTimeout, libDirectory);
        }
    }

    /** Durable syncs the commitlog to disk before a write is acknowledged; test skips every fsync. */
    public enum Profile {
        DURABLE, TEST;

        static Profile parse(String s) {
            for (Profile p : values()) {
                if (p.scriptName().equals(s)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(PATH + ".local.profile must be durable or test, not '" + s + "'");
        }

        /** The name scripts/cassandra.sh takes in {@code CHORUS_CASSANDRA_PROFILE}. */
        public String scriptName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
