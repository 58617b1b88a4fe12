package chorus.node.it;

import chorus.node.tls.TestCa;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.security.KeyStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * SCRAM -PLUS over real sockets with Smack (RFC 5802 §6, tls-server-end-point of RFC 5929; Smack's binding data
 * repaired by {@link ServerEndPointScram}): a client logs in bound to
 * the node's certificate; behind a man in the middle whose certificate the client trusts (a mis-issued one), the
 * bound login fails while a login without binding goes through unnoticed.
 */
class ChannelBindingIT {
    static TestNode node;
    static TlsInterceptor mitm;
    static X509TrustManager trustsNodeAndMitm;

    @BeforeAll
    static void start() throws Exception {
        // Smack blacklists its (broken) SCRAM-SHA-1-PLUS: the other tests here use SCRAM-SHA-1 and send "n", and a
        // client that does not offer to bind is not refused. This class uses a repaired one, and puts Smack's back.
        ServerEndPointScram.install();
        node = TestNode.start();
        node.createUser("alice", "wonderland");
        TestCa evil = TestCa.create("A CA the client wrongly trusts");
        mitm = TlsInterceptor.forging(node, evil);
        KeyStore trust = node.endpoint().trustStore();
        trust.setCertificateEntry("wrongly-trusted", evil.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustsNodeAndMitm = (X509TrustManager) tmf.getTrustManagers()[0];
    }

    @AfterAll
    static void stop() throws Exception {
        ServerEndPointScram.uninstall();
        if (mitm != null) {
            mitm.close();
        }
        node.close();
    }

    XMPPTCPConnectionConfiguration.Builder throughMitm(String resource) throws Exception {
        return Clients.config(node, "alice", "wonderland").setHostAddress(InetAddress.getByName("127.0.0.1"))
            .setPort(mitm.port()).setCustomX509TrustManager(trustsNodeAndMitm).setResource(resource);
    }

    @Test
    void smackLogsInWithScramSha1PlusBoundToTheNodesCertificate() throws Exception {
        XMPPTCPConnection c = Clients.login(node, "alice", "wonderland", "bound");
        try {
            assertEquals("SCRAM-SHA-1-PLUS", c.getUsedSaslMechansism());
            assertEquals("alice@chorus.test/bound", c.getUser().toString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void behindAManInTheMiddleTheBoundLoginFails() throws Exception {
        int before = mitm.intercepted.get();
        XMPPTCPConnection c = new XMPPTCPConnection(throughMitm("mitm").build());
        try {
            c.connect();
            SASLErrorException e = assertThrows(SASLErrorException.class, c::login);
            assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
            assertEquals(before + 1, mitm.intercepted.get(), "the interceptor was in the middle");
        } finally {
            c.disconnect();
        }
    }

    @Test
    void withoutChannelBindingTheSameManInTheMiddleGoesUnnoticed() throws Exception {
        // The control: the interceptor works, and only the binding catches it.
        XMPPTCPConnection c = new XMPPTCPConnection(throughMitm("unbound").addEnabledSaslMechanism("SCRAM-SHA-1").build());
        try {
            c.connect().login();
            assertEquals("SCRAM-SHA-1", c.getUsedSaslMechansism());
        } finally {
            c.disconnect();
        }
    }
}
