package chorus.node.it;

import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.LocalCassandra;
import com.typesafe.config.ConfigFactory;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Cassandra going away under a running node, on a Cassandra node of this test's own (durable, batch
 * commit log, as the single-machine mode runs it): clients get errors, never silence; service comes back
 * by itself; and no write a client was told succeeded is lost, not even to a kill -9.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraOutageIT {
    static final int CQL = 19342;
    static final int STORAGE = 17300;
    static Path cassandraDir;
    static CassandraSettings.Local localSettings;
    static LocalCassandra cassandra;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        cassandraDir = Files.createTempDirectory("chorus-outage-cassandra");
        localSettings = CassandraSettings.from(ConfigFactory.load()).local().withPorts(CQL, STORAGE)
            .withProfile(CassandraSettings.Profile.DURABLE, "512M");
        cassandra = LocalCassandra.start(localSettings, cassandraDir);
        node = TestNode.start(Map.of("chorus.cassandra.contact-points", List.of("127.0.0.1:" + CQL)));
        node.createUser("lear", "crown");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (cassandra != null) {
            cassandra.close();
        }
    }

    static void addContact(XMPPTCPConnection c, String local) throws Exception {
        Roster.getInstanceFor(c).createItem(JidCreate.entityBareFrom(local + "@chorus.test"), local, null);
    }

    @Test
    @Order(1)
    void whileCassandraIsDownAWriteFailsWithAnErrorAndServiceReturnsByItself() throws Exception {
        XMPPTCPConnection c = Clients.login(node, "lear", "crown", "throne");
        c.setReplyTimeout(30_000);
        try {
            addContact(c, "cordelia");
            cassandra.close();

            long t0 = System.nanoTime();
            try {
                addContact(c, "goneril");
                fail("a roster change succeeded without storage");
            } catch (XMPPException.XMPPErrorException e) {
                assertEquals(StanzaError.Condition.internal_server_error, e.getStanzaError().getCondition());
            }
            long errorAfter = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(errorAfter < 20_000, "the error took " + errorAfter + " ms");

            cassandra = LocalCassandra.start(localSettings, cassandraDir);
            long t1 = System.nanoTime();
            long deadline = t1 + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    addContact(c, "regan");
                    break;
                } catch (XMPPException.XMPPErrorException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
            System.out.printf("outage: error after %d ms; service back %d ms after Cassandra answered%n",
                errorAfter, (System.nanoTime() - t1) / 1_000_000);
            Roster r = Roster.getInstanceFor(c);
            assertNotNull(r.getEntry(JidCreate.entityBareFrom("cordelia@chorus.test")));
            // The session is still bound to its entity: messages reach it.
            assertTrue(c.isAuthenticated());
        } finally {
            c.disconnect();
        }
    }

    @Test
    @Order(2)
    void aKillMinus9OfCassandraLosesNoAcknowledgedWrite() throws Exception {
        for (int i = 0; i < 20; i++) {
            node.createUser("knight" + i, "pw" + i);
        }
        XMPPTCPConnection c = Clients.login(node, "lear", "crown", "heath");
        addContact(c, "fool");
        c.disconnect();

        ProcessHandle.of(cassandra.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(cassandra.pid()).ifPresent(p -> p.onExit().join());
        cassandra.close();
        node.close();

        cassandra = LocalCassandra.start(localSettings, cassandraDir);
        node.restart();
        for (int i = 0; i < 20; i++) {
            Clients.login(node, "knight" + i, "pw" + i, "x").disconnect();
        }
        XMPPTCPConnection again = Clients.login(node, "lear", "crown", "heath");
        try {
            Roster r = Roster.getInstanceFor(again);
            MessagingIT.awaitTrue(r::isLoaded, "roster loaded");
            assertNotNull(r.getEntry(JidCreate.entityBareFrom("fool@chorus.test")), "an acknowledged roster write was lost");
        } finally {
            again.disconnect();
        }
    }

    @Test
    @Order(3)
    void aNodeStartedWhileCassandraIsDownWaitsAndServesOnceItIsBack() throws Exception {
        node.close();
        cassandra.close();
        java.util.concurrent.CompletableFuture<Void> starting = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                node.restart();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(5_000);
        assertTrue(!starting.isDone(), "the node started without its storage");
        cassandra = LocalCassandra.start(localSettings, cassandraDir);
        starting.get(90, java.util.concurrent.TimeUnit.SECONDS);
        Clients.login(node, "lear", "crown", "back").disconnect();
    }
}
