package chorus.node.cluster;

import chorus.node.config.SettingsException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid$;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLeaseTest {
    static Config with(String key, Object value) {
        return ConfigFactory.parseMap(Map.of(key, value)).withFallback(ConfigFactory.load());
    }

    @Test
    void byDefaultTheLeaseIsOnForANodeWithPeersThatStoresInCassandraOnly() {
        Config c = ConfigFactory.load();
        assertTrue(ClusterLease.from(c, true, true).active());
        assertFalse(ClusterLease.from(c, false, true).active(), "a node alone");
        assertFalse(ClusterLease.from(c, true, false).active(), "memory storage");
        assertFalse(ClusterLease.from(with("chorus.cluster.lease.enabled", "off"), true, true).active());
        assertTrue(ClusterLease.from(with("chorus.cluster.lease.enabled", "on"), false, true).active());
    }

    @Test
    void whatTheLeaseCannotDoIsRefusedAtStartNamingTheSetting() {
        SettingsException e = assertThrows(SettingsException.class,
            () -> ClusterLease.from(with("chorus.cluster.lease.enabled", "on"), true, false));
        assertTrue(e.getMessage().contains("chorus.cluster.lease.enabled"), e.getMessage());
        assertThrows(SettingsException.class, () -> ClusterLease.from(with("chorus.cluster.lease.enabled", "yes"), true, true));
        assertThrows(SettingsException.class, () -> ClusterLease.from(with("chorus.cluster.lease.guard", "5s"), true, true));
        assertThrows(SettingsException.class, () -> ClusterLease.from(with("chorus.cluster.lease.guard", "100ms"), true, true));
        assertThrows(SettingsException.class,
            () -> ClusterLease.from(with("chorus.cluster.lease.removal-margin", "0s"), true, true));
    }

    @Test
    void withTheLeaseEveryShardTakesItAndNoMarginIsWaitedOut() {
        Config on = ClusterLease.from(ConfigFactory.load(), true, true).pekkoConfig().withFallback(ConfigFactory.load());
        assertEquals("chorus.cluster.lease.pekko", on.getString("pekko.cluster.sharding.use-lease"));
        assertEquals(ShardLease.class.getName(), on.getString("chorus.cluster.lease.pekko.lease-class"));
        assertEquals(500, on.getDuration("pekko.cluster.down-removal-margin").toMillis());
        Config off = ClusterLease.from(ConfigFactory.load(), false, true).pekkoConfig().withFallback(ConfigFactory.load());
        assertEquals("", off.getString("pekko.cluster.sharding.use-lease"));
    }

    @Test
    void aNodeThatDisagreesOnTheLeaseIsRefusedWhenItJoins() {
        Config on = ConfigFactory.parseMap(Map.of(ClusterLease.ACTIVE, true));
        Config off = ConfigFactory.parseMap(Map.of(ClusterLease.ACTIVE, false));
        assertEquals(Valid$.MODULE$, new LeaseCheck().check(on, on));
        Invalid refused = assertInstanceOf(Invalid.class, new LeaseCheck().check(off, on));
        assertTrue(refused.errorMessages().mkString().contains(ClusterLease.ACTIVE), refused.toString());
        assertEquals(LeaseCheck.class.getName(),
            ConfigFactory.load().getString("pekko.cluster.configuration-compatibility-check.checkers.chorus-lease"));
    }
}
