package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSessionsTest {
    // What an application.conf might say: it must not leak into Chorus's sessions.
    static final Config APP = ConfigFactory.load(ConfigFactory.parseString("""
            datastax-java-driver {
              basic.contact-points = ["10.9.9.9:9042"]
              basic.request.timeout = 7s
            }
            chorus.cassandra { contact-points = ["127.0.0.1:19042", "[::1]:19043"] }"""));
    static final CassandraSettings SETTINGS = CassandraSettings.from(APP);

    static DriverExecutionProfile profile(DriverConfigLoader loader) {
        return loader.getInitialConfig().getDefaultProfile();
    }

    @Test
    void sessionsUseExactlyTheContactPointsOfTheSettings() {
        try (DriverConfigLoader loader = CassandraSessions.configLoader(SETTINGS, APP)) {
            assertEquals(List.of("127.0.0.1:19042", "[::1]:19043"),
                    profile(loader).getStringList(DefaultDriverOption.CONTACT_POINTS));
        }
    }

    @Test
    void sessionsRetryUntilANodeAnswersAndRefreshSchemaMetadataQuickly() {
        try (DriverConfigLoader loader = CassandraSessions.configLoader(SETTINGS, APP)) {
            DriverExecutionProfile p = profile(loader);
            assertTrue(p.getBoolean(DefaultDriverOption.RECONNECT_ON_INIT));
            assertEquals(Duration.ofMillis(10), p.getDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW));
            assertEquals("datacenter1", p.getString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER));
        }
    }

    @Test
    void theApplicationsOtherDriverOptionsStillApply() {
        try (DriverConfigLoader loader = CassandraSessions.configLoader(SETTINGS, APP)) {
            assertEquals(Duration.ofSeconds(7), profile(loader).getDuration(DefaultDriverOption.REQUEST_TIMEOUT));
            // and the plugin's profiles from its reference.conf
            assertTrue(loader.getInitialConfig().getProfiles().containsKey("pekko-persistence-cassandra-profile"));
        }
    }

    @Test
    void theActorSystemGetsTheSameNodesAndChorusKeyspace() {
        Config system = ConfigFactory.load(
                CassandraSessions.pekkoOverrides(SETTINGS.withKeyspace("chorus_it")).withFallback(APP));
        assertEquals(List.of("127.0.0.1:19042", "[::1]:19043"),
                system.getStringList("datastax-java-driver.basic.contact-points"));
        assertTrue(system.getBoolean("datastax-java-driver.advanced.reconnect-on-init"));
        assertEquals("chorus_it", system.getString("pekko.persistence.cassandra.journal.keyspace"));
        assertEquals("chorus_it", system.getString("pekko.persistence.cassandra.snapshot.keyspace"));
    }

    /**
     * The plugin's own reference.conf turns events by tag on; which reference.conf wins depends on the class path,
     * and with it on every recovery also read the tag progress (issue 18). The override wins over either.
     */
    @Test
    void eventsByTagStayOffWhateverReferenceConfComesFirst() {
        Config pluginFirst = ConfigFactory.parseString(CassandraSessions.EVENTS_BY_TAG + " = true").withFallback(APP);
        Config system = ConfigFactory.load(CassandraSessions.pekkoOverrides(SETTINGS).withFallback(pluginFirst));
        assertFalse(system.getBoolean(CassandraSessions.EVENTS_BY_TAG));
    }

    @Test
    void settingsWithoutContactPointsCannotOpenASession() {
        CassandraSettings local = CassandraSettings.from(ConfigFactory.load());
        assertThrows(IllegalArgumentException.class, () -> CassandraSessions.driverOverrides(local));
        CassandraSettings started = local.withContactPoints(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", 19042)));
        assertEquals(List.of("127.0.0.1:19042"), CassandraSessions.driverOverrides(started)
                .getStringList("datastax-java-driver.basic.contact-points"));
    }
}
