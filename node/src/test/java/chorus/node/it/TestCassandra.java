package chorus.node.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Cassandra node a test run uses: the one {@code scripts/cassandra.sh start} runs (CI's
 * {@code .ci/run} and {@code scripts/test.sh} start it). Integration tests need it; without it they fail
 * with a message saying how to start it.
 */
public final class TestCassandra {
    private TestCassandra() {
    }

    public static int cqlPort() {
        String port = System.getProperty("chorus.cassandra.cql-port", System.getenv("CHORUS_CASSANDRA_CQL_PORT"));
        return port == null || port.isBlank() ? 19042 : Integer.parseInt(port.strip());
    }

    public static void requireRunning() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cqlPort()), 2000);
        } catch (IOException e) {
            throw new IllegalStateException("no Cassandra answers on 127.0.0.1:" + cqlPort()
                + "; integration tests need one: run scripts/test.sh, or scripts/cassandra.sh start first");
        }
    }

    /**
     * A keyspace of one test node's own; runs sharing the Cassandra node do not see each other.
     * {@link TestKeyspaces} drops it when the test class that made it is done.
     */
    public static String newKeyspace() {
        String keyspace = "it_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        TestKeyspaces.made(keyspace);
        return keyspace;
    }
}
