package chorus.node.it;

import chorus.node.sasl.ChannelBindings;
import chorus.node.tls.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAST with HT-SHA-256-ENDP (XEP-0484, draft-schmaus-kitten-sasl-ht) over real TLS sockets, with a raw client
 * (xmpp.js has only -NONE): a token asked for in a SASL2 PLAIN login logs in when the proof covers the certificate
 * this node presented, and fails behind a STARTTLS man in the middle whose certificate the client wrongly trusts
 * ({@link TlsInterceptor}, as in ChannelBindingIT).
 */
class FastEndpointIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Pattern TOKEN = Pattern.compile("token=[\"']([^\"']+)[\"']");
    static TestNode node;
    static TlsInterceptor mitm;
    static SSLContext trustsNode;
    static SSLContext trustsNodeAndMitm;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("alice", "wonderland");
        TestCa evil = TestCa.create("A CA the client wrongly trusts");
        trustsNode = Clients.trusting(node);
        mitm = TlsInterceptor.forging(node, evil);
        KeyStore trust = node.endpoint().trustStore();
        trust.setCertificateEntry("wrongly-trusted", evil.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustsNodeAndMitm = SSLContext.getInstance("TLS");
        trustsNodeAndMitm.init(null, new TrustManager[] {tmf.getTrustManagers()[0]}, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (mitm != null) {
            mitm.close();
        }
        node.close();
    }

    static byte[] hmac(String token, String label, byte[] cb) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(label.getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(cb);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** A SASL2 PLAIN login asking for an -ENDP token; returns the token. */
    static String token() throws Exception {
        RawClient c = RawClient.connect(node.c2sPort()).startTls(TestNode.DOMAIN, trustsNode);
        try {
            c.send(RawClient.header(TestNode.DOMAIN));
            String features = c.await("</stream:features>", WAIT);
            assertTrue(features.contains("HT-SHA-256-ENDP"), "-ENDP offered on a TCP connection: " + features);
            try {
                c.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>"
                    + b64("\0alice\0wonderland".getBytes(StandardCharsets.UTF_8)) + "</initial-response>"
                    + "<user-agent id='fast-endpoint-it'/><request-token xmlns='urn:xmpp:fast:0' mechanism='HT-SHA-256-ENDP'/>"
                    + "</authenticate>");
            } catch (java.io.IOException e) {
                throw new AssertionError("the node closed the stream before the login; it said: " + c.all(), e);
            }
            String success = c.await("</success>", WAIT);
            Matcher m = TOKEN.matcher(success);
            assertTrue(m.find(), "a token: " + success);
            return m.group(1);
        } finally {
            c.close();
        }
    }

    /** An -ENDP login over this connection with the binding of the certificate the client saw; the node's answer. */
    static String endpLogin(RawClient c, String token) throws Exception {
        c.send(RawClient.header(TestNode.DOMAIN));
        c.await("</stream:features>", WAIT);
        byte[] cb = ChannelBindings.serverEndPoint(c.peerCertificate()).orElseThrow();
        byte[] user = "alice\0".getBytes(StandardCharsets.UTF_8);
        byte[] proof = hmac(token, "Initiator", cb);
        byte[] ir = new byte[user.length + proof.length];
        System.arraycopy(user, 0, ir, 0, user.length);
        System.arraycopy(proof, 0, ir, user.length, proof.length);
        c.send("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='HT-SHA-256-ENDP'><initial-response>" + b64(ir)
            + "</initial-response><user-agent id='fast-endpoint-it'/><fast xmlns='urn:xmpp:fast:0'/></authenticate>");
        return c.awaitAny(WAIT, "</success>", "</failure>");
    }

    @Test
    void anEndpTokenLogsInWhenTheProofCoversThisNodesCertificate() throws Exception {
        String token = token();
        RawClient c = RawClient.connect(node.c2sPort()).startTls(TestNode.DOMAIN, trustsNode);
        try {
            String answer = endpLogin(c, token);
            byte[] cb = ChannelBindings.serverEndPoint(c.peerCertificate()).orElseThrow();
            assertTrue(answer.contains("<success"), answer);
            assertTrue(answer.contains(b64(hmac(token, "Responder", cb))), "the node proved itself: " + answer);
        } finally {
            c.close();
        }
    }

    @Test
    void anEndpLoginBehindAManInTheMiddleWithAnotherCertificateFails() throws Exception {
        String token = token();
        RawClient c = RawClient.connect(mitm.port()).startTls(TestNode.DOMAIN, trustsNodeAndMitm);
        try {
            String answer = endpLogin(c, token);
            assertTrue(answer.contains("<failure") && answer.contains("not-authorized"), answer);
        } finally {
            c.close();
        }
    }
}
