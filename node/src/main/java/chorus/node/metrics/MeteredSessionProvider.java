package chorus.node.metrics;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CqlSessionProvider;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * The Pekko Persistence plugin's driver session, as the plugin's default provider builds it, with the
 * node's meter registry attached so journal and snapshot requests show in {@code cassandra_session_cql_requests}.
 * Set as {@code session-provider} of both plugin instances (the accounts' journal and the mailboxes').
 */
public final class MeteredSessionProvider implements CqlSessionProvider {
    private final ActorSystem system;
    private final Config config;

    public MeteredSessionProvider(ActorSystem system, Config config) {
        this.system = system;
        this.config = config;
    }

    @Override
    public Future<CqlSession> connect(ExecutionContext ec) {
        Config driver = CqlSessionProvider.driverConfig(system, config);
        DriverConfigLoader loader = DriverConfigLoaderFromConfig.fromConfig(driver);
        CqlSessionBuilder builder = CqlSession.builder().withConfigLoader(loader);
        MeterRegistry registry = DriverMetrics.get(system).registry();
        if (registry != null) {
            builder = builder.withMetricRegistry(registry);
        }
        return FutureConverters.asScala(builder.buildAsync());
    }
}
