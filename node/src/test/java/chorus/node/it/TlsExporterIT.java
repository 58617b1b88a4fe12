package chorus.node.it;

import chorus.actors.account.ScramHash;
import chorus.node.sasl.ScramTestClient;
import chorus.node.tls.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCRAM-SHA-256-PLUS bound with tls-exporter (RFC 9266) over real sockets, on the node's default TLS engine
 * (BoringSSL). The client's TLS is OpenSSL's command line ({@code openssl s_client -starttls xmpp}), whose own
 * exporter gives the binding data ({@code -keymatexport}); the test speaks XMPP and SCRAM through its standard input
 * and output. The node advertises tls-exporter (XEP-0440); a login bound to it succeeds and the server's signature
 * checks out; behind a man in the middle of STARTTLS (whose certificate OpenSSL does not check here, as a client that
 * trusts a mis-issued certificate would not notice) the same login fails with not-authorized.
 */
class TlsExporterIT {
    static final Pattern KEYING_MATERIAL = Pattern.compile("Keying material: ([0-9A-F]{64})");
    static TestNode node;
    static TlsInterceptor mitm;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("alice", "wonderland");
        mitm = TlsInterceptor.forging(node, TestCa.create("A CA of the man in the middle"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (mitm != null) {
            mitm.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void openSslLogsInBoundToTheSessionsExportedKeyingMaterial() throws Exception {
        try (SClient c = new SClient(node.c2sPort())) {
            String features = c.openStream();
            assertTrue(features.matches("(?s).*<sasl-channel-binding xmlns=\"urn:xmpp:sasl-cb:0\">"
                + "<channel-binding type=\"tls-exporter\"/>.*"), "tls-exporter advertised first:\n" + features);
            assertTrue(features.contains("<mechanism>SCRAM-SHA-256-PLUS</mechanism>"), features);
            ScramTestClient scram = new ScramTestClient(ScramHash.SHA_256, "p=tls-exporter,,", "alice",
                "exporter-nonce-" + System.nanoTime(), "wonderland");
            String outcome = c.login(scram);
            Matcher success = Pattern.compile("<success xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">([^<]*)</success>")
                .matcher(outcome);
            assertTrue(success.find(), outcome);
            assertTrue(scram.verifiesServerFinal(Base64.getDecoder().decode(success.group(1))), "server signature");
        }
    }

    @Test
    void behindAManInTheMiddleTheSameLoginFails() throws Exception {
        int before = mitm.intercepted.get();
        try (SClient c = new SClient(mitm.port())) {
            c.openStream();
            ScramTestClient scram = new ScramTestClient(ScramHash.SHA_256, "p=tls-exporter,,", "alice",
                "exporter-nonce-" + System.nanoTime(), "wonderland");
            String outcome = c.login(scram);
            assertTrue(outcome.contains("<not-authorized/>"), outcome);
            assertEquals(before + 1, mitm.intercepted.get(), "the interceptor was in the middle");
        }
    }

    /** openssl s_client after STARTTLS: what it printed, and a pipe to the stream. */
    static final class SClient implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final StringBuffer out = new StringBuffer();
        private int read;
        private byte[] exported;

        SClient(int port) throws IOException {
            process = new ProcessBuilder(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-starttls", "xmpp", "-xmpphost", TestNode.DOMAIN, "-tls1_3", "-ign_eof", "-nocommands",
                "-keymatexport", "EXPORTER-Channel-Binding", "-keymatexportlen", "32"))
                .redirectErrorStream(true).start();
            in = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream s = process.getInputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = s.read(buf)) > 0; ) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            }, "s_client-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** After TLS: the stream header, then the features; sets the exported binding data OpenSSL printed. */
        String openStream() throws Exception {
            exported = HexFormat.of().parseHex(await(KEYING_MATERIAL).group(1));
            send("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + TestNode.DOMAIN + "' version='1.0'>");
            return await(Pattern.compile("(?s)<stream:features.*?</stream:features>")).group();
        }

        /** SCRAM with {@code scram}, bound to the exported data; the node's last answer. */
        String login(ScramTestClient scram) throws Exception {
            send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256-PLUS'>"
                + b64(scram.clientFirst()) + "</auth>");
            Matcher challenge = await(Pattern.compile("<challenge xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">([^<]*)"
                + "</challenge>|<failure"));
            if (challenge.group(1) == null) {
                return out.substring(challenge.start());
            }
            send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + b64(scram.clientFinalBound(Base64.getDecoder().decode(challenge.group(1)), exported)) + "</response>");
            return await(Pattern.compile("(?s)<success.*?</success>|<failure.*?</failure>")).group();
        }

        private void send(String xml) throws IOException {
            in.write(xml.getBytes(StandardCharsets.UTF_8));
            in.write('\n');
            in.flush();
        }

        /** Waits up to 20 s for {@code p} in what s_client printed after everything matched before. */
        private Matcher await(Pattern p) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                Matcher m = p.matcher(out);
                if (m.find(read)) {
                    read = m.end();
                    return m;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + p + " in what openssl s_client printed:\n" + out);
        }

        private static String b64(byte[] data) {
            return Base64.getEncoder().encodeToString(data);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
