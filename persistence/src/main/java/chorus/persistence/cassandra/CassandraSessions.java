package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Opens driver sessions on the nodes {@link CassandraSettings} names. The application's own
 * {@code datastax-java-driver} block still applies (timeouts, TLS, credentials); a few options are always set
 * over it, see {@link #driverOverrides}.
 */
public final class CassandraSessions {
    static final String DRIVER = "datastax-java-driver";

    private CassandraSessions() {
    }

    /**
     * The driver options Chorus sets over the application's: exactly the settings' contact points (the
     * driver would otherwise add those of {@code application.conf} to programmatic ones and may connect to
     * the wrong node), the local datacenter, {@code reconnect-on-init} (without it a session created while
     * Cassandra is down never recovers) and a 10 ms schema debounce window (else every DDL statement waits
     * up to a second for the driver's metadata refresh).
     */
    public static Config driverOverrides(CassandraSettings settings) {
        if (settings.contactPoints().isEmpty()) {
            throw new IllegalArgumentException("no contact points: start a LocalCassandra and pass "
                    + "settings.withContactPoints(List.of(local.contactPoint()))");
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put(DRIVER + ".basic.contact-points", contactPoints(settings));
        options.put(DRIVER + ".basic.load-balancing-policy.local-datacenter", settings.localDatacenter());
        options.put(DRIVER + ".advanced.reconnect-on-init", true);
        options.put(DRIVER + ".advanced.metadata.schema.debouncer.window", "10ms");
        return ConfigFactory.parseMap(options, "chorus.cassandra (CassandraSessions.driverOverrides)");
    }

    /** Chorus reads no events by tag: the plugin's tag bookkeeping is off. */
    public static final String EVENTS_BY_TAG = "pekko.persistence.cassandra.events-by-tag.enabled";

    /**
     * What an ActorSystem's configuration needs on top so that the Pekko Persistence plugin's own session
     * uses the same nodes and options, and the journal and snapshots live in Chorus's keyspace:
     * {@code ConfigFactory.load(pekkoOverrides(settings).withFallback(appConfig))}. Events by tag are off here
     * ({@link #EVENTS_BY_TAG}).
     */
    public static Config pekkoOverrides(CassandraSettings settings) {
        return ConfigFactory.parseMap(Map.of(
                        "pekko.persistence.cassandra.journal.keyspace", settings.keyspace(),
                        "pekko.persistence.cassandra.snapshot.keyspace", settings.keyspace(),
                        // Also in persistence/reference.conf, where the plugin's own reference.conf (enabled = true)
                        // may come first on the class path and win: with it on, every recovery read the tag
                        // progress (two of its nine queries) and every writer wrote tag_scanning (issue 18).
                        EVENTS_BY_TAG, false),
                        "chorus.cassandra (CassandraSessions.pekkoOverrides)")
                .withFallback(driverOverrides(settings));
    }

    /** The driver configuration: {@link #driverOverrides} over the {@code datastax-java-driver} block of {@code config}. */
    public static DriverConfigLoader configLoader(CassandraSettings settings, Config config) {
        Config merged = driverOverrides(settings).withFallback(config).resolve();
        Config driver = ConfigFactory.empty().withValue(DRIVER, merged.getValue(DRIVER));
        // fromString puts system properties over this and the driver's reference.conf under it.
        return DriverConfigLoader.fromString(driver.root().render(ConfigRenderOptions.concise()));
    }

    /** Connects; completes once a node answered, which with {@code reconnect-on-init} may be much later. */
    public static CompletionStage<CqlSession> openAsync(CassandraSettings settings, Config config) {
        return openAsync(settings, config, null);
    }

    /**
     * Connects, reporting the driver's metrics (those {@code advanced.metrics} enables) to {@code metricRegistry},
     * an instance of the registry type the configured metrics factory expects (null: the factory's default).
     */
    public static CompletionStage<CqlSession> openAsync(CassandraSettings settings, Config config, Object metricRegistry) {
        var builder = CqlSession.builder().withConfigLoader(configLoader(settings, config));
        if (metricRegistry != null) {
            builder = builder.withMetricRegistry(metricRegistry);
        }
        return builder.buildAsync();
    }

    /**
     * Connects for a one-off look (chorusctl check): no retrying at start, so with no node answering it fails
     * within {@code timeout} instead of waiting for Cassandra to come.
     */
    public static CqlSession probe(CassandraSettings settings, Config config, java.time.Duration timeout) {
        Config once = ConfigFactory.parseMap(Map.of(
            DRIVER + ".advanced.reconnect-on-init", false,
            DRIVER + ".advanced.connection.connect-timeout", timeout.toMillis() + "ms",
            DRIVER + ".advanced.connection.init-query-timeout", timeout.toMillis() + "ms"));
        Config merged = once.withFallback(driverOverrides(settings)).withFallback(config).resolve();
        Config driver = ConfigFactory.empty().withValue(DRIVER, merged.getValue(DRIVER));
        return CqlSession.builder()
            .withConfigLoader(DriverConfigLoader.fromString(driver.root().render(ConfigRenderOptions.concise())))
            .build();
    }

    /** Connects and blocks until a node answered. */
    public static CqlSession open(CassandraSettings settings, Config config) {
        return CqlSession.builder().withConfigLoader(configLoader(settings, config)).build();
    }

    static List<String> contactPoints(CassandraSettings settings) {
        return settings.contactPoints().stream().map(CassandraSettings::format).toList();
    }
}
