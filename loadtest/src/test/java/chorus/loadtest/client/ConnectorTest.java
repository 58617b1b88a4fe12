package chorus.loadtest.client;

import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectorTest {
    static final ClientConfig CONFIG = new ClientConfig("example.org", TlsMode.STARTTLS, Mechanism.SCRAM_SHA_1,
        SaltedPasswordCache.disabled(), Duration.ofSeconds(5));

    @Test
    void usersAreSpreadOverTheTargetsRoundRobin() {
        List<InetSocketAddress> targets = List.of(new InetSocketAddress("127.0.0.1", 1111),
            new InetSocketAddress("127.0.0.1", 2222), new InetSocketAddress("127.0.0.1", 3333));
        try (Connector c = new Connector(CONFIG, targets, List.of(), 1)) {
            for (int i = 0; i < 9; i++) {
                assertEquals(targets.get(i % 3), c.targetOf(i));
            }
        }
    }

    @Test
    void usersOfATargetMarkedDownGoToTheNextOneAndOnlyThey() {
        List<InetSocketAddress> targets = List.of(new InetSocketAddress("127.0.0.2", 5222),
            new InetSocketAddress("127.0.0.3", 5222), new InetSocketAddress("127.0.0.4", 5222));
        try (Connector c = new Connector(CONFIG, targets, List.of(), 1)) {
            c.markDown(targets.get(2));
            for (int i = 0; i < 9; i++) {
                assertEquals(i % 3 == 2 ? targets.get(0) : targets.get(i % 3), c.targetOf(i));
            }
            c.markDown(targets.get(0));
            assertEquals(targets.get(1), c.targetOf(2), "past two down targets to the one alive");
            c.markDown(targets.get(1));
            assertEquals(targets.get(2), c.targetOf(2), "all down: its own");
        }
    }

    @Test
    void aTargetThatDoesNotListenFailsTheLoginWithConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Connector c = new Connector(CONFIG, List.of(new InetSocketAddress("127.0.0.1", port)),
            List.of(java.net.InetAddress.getByName("127.0.0.1")), 1)) {
            XmppSession s = c.open(0, new Account("a", "example.org", "p"), XmppSession.Purpose.LOGIN, null);
            CompletionException e = assertThrows(CompletionException.class, () -> s.ready().join());
            assertTrue(assertInstanceOf(SetupFailure.class, e.getCause()).reason().startsWith("connect:"));
        }
    }

    @Test
    void withoutATargetThereIsNoConnector() {
        assertThrows(IllegalArgumentException.class, () -> new Connector(CONFIG, List.of(), List.of(), 1));
    }
}
