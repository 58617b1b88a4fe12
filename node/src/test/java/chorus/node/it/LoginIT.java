package chorus.node.it;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logging in over real sockets: STARTTLS, direct TLS, SASL and resource binding (RFC 6120 §5-7). */
class LoginIT {
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("alice", "wonderland");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void aClientLogsInOverStartTlsWithScramSha1AndGetsItsResource() throws Exception {
        XMPPTCPConnection c = Clients.login(node, "alice", "wonderland", "laptop");
        try {
            assertTrue(c.isSecureConnection());
            assertEquals("alice@chorus.test/laptop", c.getUser().toString());
            assertEquals("SCRAM-SHA-1", c.getUsedSaslMechansism());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aClientLogsInWithPlainInsideTls() throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "alice", "wonderland")
            .addEnabledSaslMechanism("PLAIN").setResource("plain").build());
        try {
            c.connect().login();
            assertEquals("PLAIN", c.getUsedSaslMechansism());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aWrongPasswordIsNotAuthorized() throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "alice", "queen").build());
        try {
            c.connect();
            SASLErrorException e = assertThrows(SASLErrorException.class, c::login);
            assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void anUnknownAccountFailsLikeAWrongPassword() throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(Clients.config(node, "nobody", "queen").build());
        try {
            c.connect();
            SASLErrorException e = assertThrows(SASLErrorException.class, c::login);
            assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void repeatedFailuresCloseTheConnection() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.startTls(TestNode.DOMAIN, Clients.trusting(node));
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.await("</stream:features>", Duration.ofSeconds(5));
            String bad = Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                raw.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + bad + "</auth>");
                raw.await("<not-authorized/>", Duration.ofSeconds(5));
            }
            raw.await("<policy-violation", Duration.ofSeconds(5));
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)));
        }
    }

    @Test
    void scramSha256IsOfferedAndPlainIsNotOfferedBeforeTls() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            String features = raw.await("</stream:features>", Duration.ofSeconds(5));
            assertTrue(features.contains("<starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"><required/></starttls>"), features);
            assertFalse(features.contains("PLAIN"), features);
            raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            raw.await("<proceed", Duration.ofSeconds(5));
        }
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.startTls(TestNode.DOMAIN, Clients.trusting(node));
            raw.send(RawClient.header(TestNode.DOMAIN));
            String features = raw.await("</stream:features>", Duration.ofSeconds(5));
            assertTrue(features.contains("<mechanism>SCRAM-SHA-256</mechanism>"), features);
            assertTrue(features.contains("<mechanism>SCRAM-SHA-1</mechanism>"), features);
            assertTrue(features.contains("<mechanism>PLAIN</mechanism>"), features);
        }
    }

    @Test
    void directTlsOnTheSecondPortNeedsNoStartTls() throws Exception {
        SSLContext ctx = Clients.trusting(node);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", node.tlsPort()), 5000);
            s.startHandshake();
            String proto = s.getSession().getProtocol();
            assertTrue(proto.equals("TLSv1.3") || proto.equals("TLSv1.2"), proto);
            s.getOutputStream().write(RawClient.header(TestNode.DOMAIN).getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[4096];
            StringBuilder got = new StringBuilder();
            s.setSoTimeout(5000);
            while (!got.toString().contains("</stream:features>")) {
                int n = s.getInputStream().read(buf);
                assertNotEquals(-1, n);
                got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertTrue(got.toString().contains("SCRAM-SHA-256"), got.toString());
            assertFalse(got.toString().contains("starttls"), got.toString());
        }
    }

    @Test
    void aClientWithoutResourceGetsOneFromTheServer() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.login(TestNode.DOMAIN, Clients.trusting(node), "alice", "wonderland");
            raw.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
            String reply = raw.await("</iq>", Duration.ofSeconds(5));
            assertTrue(reply.contains("<jid>alice@chorus.test/chorus-"), reply);
        }
    }

    @Test
    void theSessionFeatureIsOptionalAndItsRequestSucceeds() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.login(TestNode.DOMAIN, Clients.trusting(node), "alice", "wonderland");
            String features = raw.all();
            assertTrue(features.contains("<session xmlns=\"urn:ietf:params:xml:ns:xmpp-session\"><optional/></session>"), features);
            raw.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>s</resource></bind></iq>");
            raw.await("</iq>", Duration.ofSeconds(5));
            raw.send("<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
            String reply = raw.await("/>", Duration.ofSeconds(5));
            assertTrue(reply.contains("type=\"result\""), reply);
        }
    }

    @Test
    void aResourceInUseEndsTheOlderSessionWithConflict() throws Exception {
        XMPPTCPConnection first = Clients.login(node, "alice", "wonderland", "phone");
        CountDownLatch closed = new CountDownLatch(1);
        first.addConnectionListener(new org.jivesoftware.smack.ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                if (e instanceof XMPPException.StreamErrorException se
                    && se.getStreamError().getCondition().toString().equals("conflict")) {
                    closed.countDown();
                }
            }
        });
        XMPPTCPConnection second = Clients.login(node, "alice", "wonderland", "phone");
        try {
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the older session got no conflict stream error");
            assertTrue(second.isAuthenticated());
        } finally {
            second.disconnect();
            first.disconnect();
        }
    }

    @Test
    void stanzasBeforeAuthenticationEndTheStreamWithNotAuthorized() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.startTls(TestNode.DOMAIN, Clients.trusting(node));
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.await("</stream:features>", Duration.ofSeconds(5));
            raw.send("<message to='alice@chorus.test'><body>hi</body></message>");
            raw.await("<not-authorized", Duration.ofSeconds(5));
            assertTrue(raw.closedWithin(Duration.ofSeconds(5)));
        }
    }
}
