package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the keyspaces a test class made once the class is done (after its {@code @AfterAll}): a run of
 * every integration test makes a few hundred, and a Cassandra node holding them all runs out of heap.
 * Registered as a JUnit Platform listener in {@code META-INF/services}.
 */
public final class TestKeyspaces implements TestExecutionListener {
    private static final List<String> MADE = new ArrayList<>();

    static synchronized void made(String keyspace) {
        MADE.add(keyspace);
    }

    private static synchronized List<String> takeAll() {
        List<String> all = List.copyOf(MADE);
        MADE.clear();
        return all;
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!(id.getSource().orElse(null) instanceof ClassSource)) {
            return;
        }
        List<String> keyspaces = takeAll();
        if (keyspaces.isEmpty()) {
            return;
        }
        try (CqlSession cql = CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", TestCassandra.cqlPort()))
                .withLocalDatacenter("datacenter1").build()) {
            for (String keyspace : keyspaces) {
                cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement
                    .newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(Duration.ofSeconds(60)));
            }
        } catch (RuntimeException e) {
            // No Cassandra (a unit-test run) or a busy one: the keyspaces stay, as they did before.
            System.err.println("TestKeyspaces: could not drop " + keyspaces + ": " + e);
        }
    }
}
