package chorus.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For integration tests that need the Cassandra node {@code scripts/cassandra.sh start} runs: skips the test
 * class when nothing answers on its CQL port, or fails it when {@code -Dchorus.cassandra.required=true} (or
 * {@code CHORUS_CASSANDRA_REQUIRED=true}) says CI must not skip. The port comes from
 * {@code -Dchorus.cassandra.cql-port} or {@code CHORUS_CASSANDRA_CQL_PORT}, 19042 by default.
 */
final class RunningCassandra implements ExecutionCondition {

    static int cqlPort() {
        String port = System.getProperty("chorus.cassandra.cql-port", System.getenv("CHORUS_CASSANDRA_CQL_PORT"));
        return port == null || port.isBlank() ? 19042 : Integer.parseInt(port.strip());
    }

    static boolean required() {
        String required = System.getProperty("chorus.cassandra.required", System.getenv("CHORUS_CASSANDRA_REQUIRED"));
        return Boolean.parseBoolean(required);
    }

    // Decided for the class, before its @BeforeAll methods could try to connect.
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        int port = cqlPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return ConditionEvaluationResult.enabled("Cassandra answers on 127.0.0.1:" + port);
        } catch (IOException e) {
            String message = "no Cassandra answers on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); start one with scripts/cassandra.sh start, or set CHORUS_CASSANDRA_CQL_PORT";
            if (required()) {
                throw new ExtensionConfigurationException(message + "; chorus.cassandra.required is set");
            }
            return ConditionEvaluationResult.disabled(
                    message + "; skipped (-Dchorus.cassandra.required=true makes this a failure)");
        }
    }

    /** A keyspace of the test class's own, unique per run: concurrent runs may share the node. */
    static String keyspaceFor(Class<?> testClass) {
        String name = testClass.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        return ("it_" + name).substring(0, Math.min(30, name.length() + 3)) + "_" + suffix;
    }

    /** Chorus's default settings, pointed at the running node, with the given keyspace. */
    static CassandraSettings settings(String keyspace) {
        return CassandraSettings.from(ConfigFactory.load())
                .withContactPoints(List.of(InetSocketAddress.createUnresolved("127.0.0.1", cqlPort())))
                .withKeyspace(keyspace);
    }

    static CqlSession session(CassandraSettings settings) {
        return CassandraSessions.open(settings, ConfigFactory.load());
    }
}
