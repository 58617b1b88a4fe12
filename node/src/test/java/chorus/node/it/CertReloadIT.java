package chorus.node.it;

import chorus.node.tls.SelfSignedCertificate;
import chorus.node.tls.TlsIdentity;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A certificate renewal without a restart, as a Let's Encrypt hook does it: the PEM files are replaced,
 * then chorusctl cert reload (or SIGHUP). New connections on every TLS listener (STARTTLS, direct TLS, the
 * upload listener) present the new certificate, read off real sockets; established streams go on.
 */
class CertReloadIT {
    static Path pem;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        pem = Files.createTempDirectory("chorus-pem");
        writePem(SelfSignedCertificate.generate(TestNode.DOMAIN, Clock.systemUTC()));
        node = TestNode.start(Map.of("chorus.tls.certificate", pem.resolve("fullchain.pem").toString(),
            "chorus.tls.key", pem.resolve("privkey.pem").toString()));
        node.createUser("renewer", "acme-v2");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    /** Replaces both files atomically, as certbot's renewal does. */
    static void writePem(TlsIdentity id) throws Exception {
        StringWriter cert = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(cert)) {
            for (X509Certificate c : id.chain()) {
                w.writeObject(c);
            }
        }
        StringWriter key = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(key)) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(id.key(), null)); // PKCS#8, as certbot writes it
        }
        replace(pem.resolve("fullchain.pem"), cert.toString());
        replace(pem.resolve("privkey.pem"), key.toString());
    }

    static void replace(Path file, String text) throws Exception {
        Path tmp = Files.createTempFile(file.getParent(), "new", ".pem");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Accepts any certificate: the test only reads which one the server presents. */
    static final X509TrustManager ANY = new X509TrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };

    static SSLContext anyCertificate() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {ANY}, null);
        return ctx;
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    /** The leaf certificate a new direct-TLS connection to {@code port} gets (5223, the upload listener). */
    static String presentedOnDirectTls(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) anyCertificate().getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return fingerprint((X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }

    static String presentedOnStartTls(int port) throws Exception {
        try (RawClient c = RawClient.connect(port)) {
            c.startTls(TestNode.DOMAIN, anyCertificate());
            return fingerprint(c.peerCertificate());
        }
    }

    static int uploadPort() {
        return node.config().getInt("chorus.upload.port");
    }

    @Test
    void aReloadedCertificateReachesNewConnectionsAndEstablishedOnesGoOn() throws Exception {
        String before = node.node().tls().fingerprintSha256();
        assertEquals(before, presentedOnDirectTls(node.tlsPort()));
        assertEquals(before, presentedOnStartTls(node.c2sPort()));
        assertEquals(before, presentedOnDirectTls(uploadPort()));

        XMPPTCPConnection established = new XMPPTCPConnection(Clients.config(node, "renewer", "acme-v2")
            .setCustomX509TrustManager(ANY).setResource("before").build());
        established.connect().login();
        RawClient rawEstablished = RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, anyCertificate(),
            "renewer", "acme-v2", "raw");
        try {
            TlsIdentity renewed = SelfSignedCertificate.generate(TestNode.DOMAIN, Clock.systemUTC());
            writePem(renewed);
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(node.dataDir(), node.node().settings().adminPort(), "cert", "reload");
            assertEquals(0, r.code(), r.err());
            String after = renewed.fingerprintSha256();
            assertTrue(r.out().contains(after), r.out());
            assertNotEquals(before, after);

            assertEquals(after, presentedOnDirectTls(node.tlsPort()), "direct TLS (XEP-0368)");
            assertEquals(after, presentedOnStartTls(node.c2sPort()), "STARTTLS");
            assertEquals(after, presentedOnDirectTls(uploadPort()), "the upload listener");

            // Streams that were up before the reload keep their TLS session and work.
            assertTrue(PingManager.getInstanceFor(established).pingMyServer(true, 10_000));
            assertEquals(before, fingerprint(rawEstablished.peerCertificate()));
            rawEstablished.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertTrue(rawEstablished.await("id=\"p1\"", Duration.ofSeconds(10)).contains("p1"));
        } finally {
            established.disconnect();
            rawEstablished.close();
        }
    }

    @Test
    void aBrokenFileIsRefusedAndTheCurrentCertificateStays() throws Exception {
        String current = node.node().tls().fingerprintSha256();
        String goodCert = Files.readString(pem.resolve("fullchain.pem"));
        replace(pem.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        try {
            ChorusctlIT.Result r = ChorusctlIT.ctlAt(node.dataDir(), node.node().settings().adminPort(), "cert", "reload");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("not reloaded"), r.err());
            assertEquals(current, presentedOnDirectTls(node.tlsPort()));
        } finally {
            replace(pem.resolve("fullchain.pem"), goodCert);
        }
    }

    @Test
    void sighupReloadsTheCertificateOfANodeProcess() throws Exception {
        Path dir = Files.createTempDirectory("chorus-hup");
        Path pemDir = pem;
        int c2s = TestNode.freePort();
        int tls = TestNode.freePort();
        java.util.List<String> cmd = NodeProcess.command(Map.of(
            "chorus.domain", TestNode.DOMAIN, "chorus.bind", "127.0.0.1", "chorus.data-dir", dir.toString(),
            "chorus.c2s.port", "" + c2s, "chorus.c2s.tls-port", "" + tls,
            "chorus.admin.port", "" + TestNode.freePort(), "chorus.cluster.port", "" + TestNode.freePort(),
            "chorus.cassandra.keyspace", TestCassandra.newKeyspace(),
            "chorus.tls.certificate", pemDir.resolve("fullchain.pem").toString(),
            "chorus.tls.key", pemDir.resolve("privkey.pem").toString()));
        try (NodeProcess p = NodeProcess.launch(cmd,
            Map.of("CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort()))) {
            TlsIdentity renewed = SelfSignedCertificate.generate(TestNode.DOMAIN, Clock.systemUTC());
            writePem(renewed);
            new ProcessBuilder("kill", "-HUP", Long.toString(p.process.pid())).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            String seen;
            do {
                seen = presentedOnDirectTls(tls);
                if (seen.equals(renewed.fingerprintSha256())) {
                    break;
                }
                Thread.sleep(200);
            } while (System.nanoTime() < deadline);
            assertEquals(renewed.fingerprintSha256(), seen, "SIGHUP did not reload the certificate");
            assertTrue(p.process.isAlive(), "SIGHUP stopped the node");
        }
    }
}
