package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CassandraSettingsTest {

    static CassandraSettings parse(String hocon) {
        return CassandraSettings.from(ConfigFactory.load(ConfigFactory.parseString(hocon)));
    }

    static String errorFor(String hocon) {
        return assertThrows(ConfigException.class, () -> parse(hocon)).getMessage();
    }

    @Test
    void defaultsAreTheSingleMachineModeOnTheLocalNode() {
        CassandraSettings s = parse("");
        assertTrue(s.usesLocalNode());
        assertEquals(List.of(), s.contactPoints());
        assertEquals("datacenter1", s.localDatacenter());
        assertEquals("chorus", s.keyspace());
        assertEquals(new Replication.Simple(1), s.replication());
        assertEquals(new CassandraSettings.Local(19242, 17200, CassandraSettings.Profile.DURABLE, "1G",
                Duration.ofSeconds(120), Duration.ofSeconds(60), Optional.empty()), s.local());
    }

    @Test
    void anExternalClusterIsNamedByContactPointsWithPerDatacenterReplication() {
        CassandraSettings s = parse("""
                chorus.cassandra {
                  contact-points = ["cass1.example.net:9142", "10.0.0.7", "[2001:db8::1]:9043"]
                  local-datacenter = dc1
                  keyspace = chorus_prod
                  replication { strategy = NetworkTopologyStrategy, datacenters { dc1 = 3, dc2 = 2 } }
                }""");
        assertFalse(s.usesLocalNode());
        assertEquals(List.of(InetSocketAddress.createUnresolved("cass1.example.net", 9142),
                InetSocketAddress.createUnresolved("10.0.0.7", 9042),
                InetSocketAddress.createUnresolved("2001:db8::1", 9043)), s.contactPoints());
        assertEquals(new Replication.NetworkTopology(Map.of("dc1", 3, "dc2", 2)), s.replication());
        assertEquals("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}", s.replication().cql());
        assertEquals("dc1", s.localDatacenter());
    }

    @Test
    void simpleStrategyRendersItsFactorAsCql() {
        assertEquals("{'class': 'SimpleStrategy', 'replication_factor': 3}", new Replication.Simple(3).cql());
    }

    @Test
    void localNodeSettingsAreRead() {
        CassandraSettings.Local l = parse("""
                chorus.cassandra.local { cql-port = 19142, storage-port = 17100, profile = test, heap = 512M,
                  start-timeout = 30s, stop-timeout = 5s, lib-directory = /opt/cassandra/lib }""").local();
        assertEquals(new CassandraSettings.Local(19142, 17100, CassandraSettings.Profile.TEST, "512M",
                Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.of(Path.of("/opt/cassandra/lib"))), l);
        assertEquals("test", l.profile().scriptName());
    }

    @Test
    void aBadKeyspaceNameIsRejectedNamingTheSetting() {
        assertTrue(errorFor("chorus.cassandra.keyspace = \"chorus-prod\"").contains("chorus.cassandra.keyspace"));
        assertTrue(errorFor("chorus.cassandra.keyspace = Chorus").contains("chorus.cassandra.keyspace"));
        assertTrue(errorFor("chorus.cassandra.keyspace = \"\"").contains("chorus.cassandra.keyspace"));
    }

    @Test
    void badContactPointsAreRejectedNamingTheSetting() {
        for (String bad : List.of("\"host:notaport\"", "\"host:0\"", "\"host:70000\"", "\":9042\"",
                "\"2001:db8::1\"", "\"[2001:db8::1\"", "\"[::1]9042\"")) {
            String message = errorFor("chorus.cassandra.contact-points = [" + bad + "]");
            assertTrue(message.contains("chorus.cassandra.contact-points"), message);
        }
    }

    @Test
    void anUnknownReplicationStrategyIsRejectedNamingTheSetting() {
        String message = errorFor("chorus.cassandra.replication.strategy = EverywhereStrategy");
        assertTrue(message.contains("chorus.cassandra.replication.strategy"), message);
    }

    @Test
    void replicationFactorsBelowOneAreRejected() {
        assertTrue(errorFor("chorus.cassandra.replication.factor = 0").contains("chorus.cassandra.replication.factor"));
        String message = errorFor("""
                chorus.cassandra { contact-points = ["c1"], local-datacenter = dc1
                  replication { strategy = NetworkTopologyStrategy, datacenters { dc1 = 0 } } }""");
        assertTrue(message.contains("chorus.cassandra.replication.datacenters.dc1"), message);
    }

    @Test
    void networkTopologyStrategyNeedsAtLeastOneDatacenter() {
        String message = errorFor("""
                chorus.cassandra { contact-points = ["c1"], local-datacenter = dc1
                  replication.strategy = NetworkTopologyStrategy }""");
        assertTrue(message.contains("chorus.cassandra.replication.datacenters"), message);
    }

    @Test
    void theLocalNodeAcceptsOnlyOneCopyInItsOwnDatacenter() {
        assertTrue(errorFor("chorus.cassandra.replication.factor = 3").contains("chorus.cassandra.replication"));
        assertTrue(errorFor("chorus.cassandra.local-datacenter = dc1").contains("chorus.cassandra.local-datacenter"));
        CassandraSettings s = parse("""
                chorus.cassandra.replication { strategy = NetworkTopologyStrategy, datacenters { datacenter1 = 1 } }""");
        assertEquals(new Replication.NetworkTopology(Map.of("datacenter1", 1)), s.replication());
    }

    @Test
    void aClusterMayKeepThreeCopies() {
        CassandraSettings s = parse("chorus.cassandra { contact-points = [c1, c2, c3], replication.factor = 3 }");
        assertEquals(new Replication.Simple(3), s.replication());
    }

    @Test
    void badLocalNodeSettingsAreRejectedNamingTheSetting() {
        assertTrue(errorFor("chorus.cassandra.local.profile = fast").contains("chorus.cassandra.local.profile"));
        assertTrue(errorFor("chorus.cassandra.local.heap = lots").contains("chorus.cassandra.local.heap"));
        assertTrue(errorFor("chorus.cassandra.local.cql-port = 0").contains("chorus.cassandra.local.cql-port"));
        assertTrue(errorFor("chorus.cassandra.local.storage-port = 65400")
                .contains("chorus.cassandra.local.storage-port"));
        assertTrue(errorFor("chorus.cassandra.local { cql-port = 17199, storage-port = 17000 }")
                .contains("chorus.cassandra.local.cql-port"));
        assertTrue(errorFor("chorus.cassandra.local.start-timeout = 0s").contains("chorus.cassandra.local.start-timeout"));
    }

    @Test
    void aWronglyTypedValueNamesItsPath() {
        assertTrue(errorFor("chorus.cassandra.local.cql-port = many").contains("cql-port"));
    }
}
