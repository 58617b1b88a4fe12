package chorus.persistence.cassandra;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** How many copies of Chorus's keyspace Cassandra keeps, and where: the keyspace's replication map. */
public sealed interface Replication permits Replication.Simple, Replication.NetworkTopology {

    /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = ...}. */
    String cql();

    /** The replication map as Cassandra reports it in {@code system_schema.keyspaces}. */
    Map<String, String> asMap();

    /** {@code SimpleStrategy}: {@code factor} copies, placed without regard to datacenters. For one datacenter. */
    record Simple(int factor) implements Replication {
        public Simple {
            if (factor < 1) {
                throw new IllegalArgumentException(
                        "chorus.cassandra.replication.factor must be at least 1, not " + factor);
            }
        }

        @Override
        public String cql() {
            return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
        }

        @Override
        public Map<String, String> asMap() {
            return Map.of("class", "org.apache.cassandra.locator.SimpleStrategy",
                    "replication_factor", Integer.toString(factor));
        }
    }

    /** {@code NetworkTopologyStrategy}: a number of copies per datacenter, the production choice. */
    record NetworkTopology(Map<String, Integer> datacenters) implements Replication {
        private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

        public NetworkTopology {
            if (datacenters.isEmpty()) {
                throw new IllegalArgumentException("chorus.cassandra.replication.datacenters must name at least "
                        + "one datacenter for NetworkTopologyStrategy, e.g. { dc1 = 3 }");
            }
            datacenters.forEach((dc, factor) -> {
                if (!DATACENTER.matcher(dc).matches()) {
                    throw new IllegalArgumentException(
                            "chorus.cassandra.replication.datacenters: '" + dc + "' is not a datacenter name");
                }
                if (factor == null || factor < 1) {
                    throw new IllegalArgumentException("chorus.cassandra.replication.datacenters." + dc
                            + " must be at least 1, not " + factor);
                }
            });
            datacenters = Map.copyOf(new TreeMap<>(datacenters));
        }

        @Override
        public String cql() {
            return new TreeMap<>(datacenters).entrySet().stream()
                    .map(e -> "'" + e.getKey() + "': " + e.getValue())
                    .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
        }

        @Override
        public Map<String, String> asMap() {
            Map<String, String> map = new TreeMap<>();
            map.put("class", "org.apache.cassandra.locator.NetworkTopologyStrategy");
            datacenters.forEach((dc, factor) -> map.put(dc, Integer.toString(factor)));
            return Map.copyOf(map);
        }
    }
}
