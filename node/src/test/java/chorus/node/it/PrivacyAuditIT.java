package chorus.node.it;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The privacy audit: a node in its own process, logging everything (DEBUG, Netty and Pekko included),
 * sees logins, failed logins, messages online and offline, and failed deliveries from a client at
 * 127.0.0.5. Afterwards neither its log files nor any of its Cassandra tables hold that address, a
 * password, or a message body.
 */
class PrivacyAuditIT {
    static final String CLIENT_IP = "127.0.0.5";

    /** Binds every client socket to the client address, so that address is recognizably the client's. */
    static final class FromClientAddress extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(CLIENT_IP, 0));
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }

    static XMPPTCPConnection connect(TestNode.Endpoint endpoint, String user, String password, String resource)
        throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = Clients.config(endpoint, user, password).setResource(resource)
            .setSocketFactory(new FromClientAddress());
        XMPPTCPConnection c = new XMPPTCPConnection(b.build());
        c.setReplyTimeout(10_000);
        return c;
    }

    @Test
    void noLogFileAndNoTableHoldsTheClientsAddressAPasswordOrABody() throws Exception {
        TestCassandra.requireRunning();
        Path dataDir = Files.createTempDirectory("chorus-audit");
        String keyspace = TestCassandra.newKeyspace();
        int c2s = TestNode.freePort();
        int admin = TestNode.freePort();
        List<String> secrets = List.of("Passw0rd-Alpha-Audit", "Passw0rd-Beta-Audit", "Wrong-Passw0rd-Audit",
            "Body-Online-Audit", "Body-Bounced-Audit", "Body-Offline-Audit", "Passw0rd-Gamma-Audit");
        List<String> cmd = NodeProcess.command(Map.ofEntries(
            Map.entry("chorus.domain", "chorus.test"), Map.entry("chorus.bind", "127.0.0.1"),
            Map.entry("chorus.data-dir", dataDir.toString()), Map.entry("chorus.c2s.port", "" + c2s),
            Map.entry("chorus.c2s.tls-port", "" + TestNode.freePort()), Map.entry("chorus.admin.port", "" + admin),
            Map.entry("chorus.cluster.port", "" + TestNode.freePort()),
            Map.entry("chorus.cassandra.keyspace", keyspace),
            Map.entry("chorus.log.level", "DEBUG"), Map.entry("chorus.log.netty", "DEBUG"),
            Map.entry("chorus.log.pekko", "DEBUG"), Map.entry("pekko.loglevel", "DEBUG"),
            Map.entry("chorus.c2s.auth-failure-delay", "100ms"),
            Map.entry("chorus.registration.enabled", "true")));
        try (NodeProcess node = NodeProcess.launch(cmd,
            Map.of("CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort(),
                "CHORUS_ADMINS", "alpha@chorus.test"))) {
            TestNode.Endpoint endpoint = new TestNode.Endpoint(c2s, dataDir);
            assertEquals(0, ChorusctlIT.ctlAt(dataDir, admin, "user", "add", "alpha", secrets.get(0)).code());
            assertEquals(0, ChorusctlIT.ctlAt(dataDir, admin, "user", "add", "beta", secrets.get(1)).code());

            XMPPTCPConnection wrong = connect(endpoint, "alpha", secrets.get(2), "x");
            wrong.connect();
            assertThrows(SASLErrorException.class, wrong::login);
            wrong.disconnect();

            XMPPTCPConnection alpha = connect(endpoint, "alpha", secrets.get(0), "a");
            alpha.connect().login();
            // an in-band registration from the client's address: alpha, the admin, hears of it (with the address)
            XMPPTCPConnection newcomer = connect(endpoint, "gamma", secrets.get(6), "g");
            newcomer.connect();
            org.jivesoftware.smackx.iqregister.AccountManager.getInstance(newcomer)
                .createAccount(org.jxmpp.jid.parts.Localpart.from("gamma"), secrets.get(6));
            newcomer.disconnect();
            // beta is offline: this one waits in the mailbox, and is collected below
            alpha.sendStanza(StanzaBuilder.buildMessage("m0").to(JidCreate.entityBareFrom("beta@chorus.test"))
                .ofType(Message.Type.chat).setBody(secrets.get(5)).build());
            XMPPTCPConnection beta = connect(endpoint, "beta", secrets.get(1), "b");
            beta.connect();
            StanzaCollector inbox = beta.createStanzaCollector(new StanzaTypeFilter(Message.class));
            beta.login();
            assertNotNull(inbox.nextResult(10_000), "the offline message did not arrive");
            alpha.sendStanza(StanzaBuilder.buildMessage("m1").to(JidCreate.entityBareFrom("beta@chorus.test"))
                .ofType(Message.Type.chat).setBody(secrets.get(3)).build());
            assertNotNull(inbox.nextResult(10_000), "the online message did not arrive");
            StanzaCollector errors = alpha.createStanzaCollector(new StanzaTypeFilter(Message.class));
            alpha.sendStanza(StanzaBuilder.buildMessage("m2").to(JidCreate.entityBareFrom("nobody@chorus.test"))
                .ofType(Message.Type.chat).setBody(secrets.get(4)).build());
            assertNotNull(errors.nextResult(10_000), "the failed delivery was not answered");
            alpha.disconnect();
            beta.disconnect();
            node.stop();
        }

        List<String> needles = new ArrayList<>(secrets);
        needles.add(CLIENT_IP);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir.resolve("logs"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                assertTrue(text.length() > 1000, "the log file " + f + " is nearly empty: the audit would prove nothing");
                for (String n : needles) {
                    if (text.contains(n)) {
                        found.add(n + " in " + f.getFileName());
                    }
                }
            }
        }
        try (var cql = chorus.persistence.cassandra.CassandraSessions.open(
            chorus.persistence.cassandra.CassandraSettings.from(com.typesafe.config.ConfigFactory.load())
                .withContactPoints(List.of(InetSocketAddress.createUnresolved("127.0.0.1", TestCassandra.cqlPort())))
                .withKeyspace(keyspace), com.typesafe.config.ConfigFactory.load())) {
            for (var t : cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)) {
                for (var row : cql.execute("SELECT * FROM " + keyspace + "." + t.getString(0))) {
                    for (var col : row.getColumnDefinitions()) {
                        byte[] v = StorageIT.bytes(row, col);
                        for (String n : needles) {
                            if (v != null && StorageIT.contains(v, n.getBytes(StandardCharsets.UTF_8))) {
                                found.add(n + " in " + t.getString(0) + "." + col.getName());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
