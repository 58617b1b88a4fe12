package chorus.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-machine mode's launcher on its own ports (CQL 19142, storage 17100, JMX 17299), so it runs beside
 * the node other integration tests share. Needs Java 17 and, on first use, Maven to fetch the jars.
 */
class LocalCassandraIT {
    static final int CQL_PORT = 19142;
    static final CassandraSettings DEFAULTS = CassandraSettings.from(ConfigFactory.load());
    static final CassandraSettings.Local LOCAL = DEFAULTS.local().withPorts(CQL_PORT, 17100)
            .withProfile(CassandraSettings.Profile.DURABLE, "512M");

    @TempDir
    Path data;

    static CqlSession connect(LocalCassandra node) {
        return CassandraSessions.open(DEFAULTS.withContactPoints(List.of(node.contactPoint())), ConfigFactory.load());
    }

    static void assertNothingListensOnTheCqlPort() {
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", CQL_PORT), 2000));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aStartedNodeAnswersCqlAndIsGoneAfterClose() throws IOException {
        LocalCassandra node = LocalCassandra.start(LOCAL, data);
        ProcessHandle process = ProcessHandle.of(node.pid()).orElseThrow();
        try (node) {
            assertTrue(process.isAlive());
            assertTrue(process.info().commandLine().orElse("").contains("org.apache.cassandra.service.CassandraDaemon"));
            assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", CQL_PORT), node.contactPoint());
            try (CqlSession session = connect(node)) {
                assertEquals("5.0.9", session.execute("SELECT release_version FROM system.local").one().getString(0));
            }
            assertTrue(Files.isRegularFile(data.resolve("conf/cassandra.yaml")));
        }
        assertFalse(node.isRunning());
        assertFalse(process.isAlive());
        assertFalse(Files.exists(data.resolve("cassandra.pid")));
        assertNothingListensOnTheCqlPort();
    }

    @Test
    void aRestartedNodeKeepsItsDataAndANodeLeftRunningIsTakenOver() throws IOException {
        long firstPid;
        try (LocalCassandra node = LocalCassandra.start(LOCAL, data)) {
            firstPid = node.pid();
            try (CqlSession session = connect(node)) {
                new Schema("kept", new Replication.Simple(1)).apply(session);
                session.execute("INSERT INTO kept.metadata (persistence_id, deleted_to) VALUES ('alice', 42)");
            }
            // A launcher that finds a node running on its data directory (say, after the process that
            // started it was killed) uses that node instead of failing.
            LocalCassandra second = LocalCassandra.start(LOCAL, data);
            assertEquals(firstPid, second.pid());
            second.close();
            assertFalse(node.isRunning());
        }

        try (LocalCassandra node = LocalCassandra.start(LOCAL, data); CqlSession session = connect(node)) {
            assertTrue(node.pid() != firstPid);
            assertEquals(42L, session.execute("SELECT deleted_to FROM kept.metadata WHERE persistence_id = 'alice'")
                    .one().getLong(0));
        }
        assertNothingListensOnTheCqlPort();
    }
}
