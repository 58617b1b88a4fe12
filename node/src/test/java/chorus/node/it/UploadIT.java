package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XEP-0363 over real sockets: a slot by XMPP, the file by HTTPS, and the listener's refusals. */
class UploadIT {
    static TestNode node;
    static final Pattern PUT = Pattern.compile("<put[^>]*url=[\"']([^\"']+)[\"']");

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.upload.max-file-size", 4096));
        node.createUser("alice", "pw-alice");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A slot's URL, pointed at 127.0.0.1 (the certificate names the domain, which does not resolve here). */
    static URI slot(RawClient c, String id, String name, int size) throws IOException {
        c.send("<iq type='get' id='" + id + "' to='upload." + TestNode.DOMAIN + "'><request xmlns='urn:xmpp:http:upload:0' "
            + "filename='" + name + "' size='" + size + "' content-type='application/octet-stream'/></iq>");
        String reply = c.await("</iq>", Duration.ofSeconds(10));
        Matcher m = PUT.matcher(reply);
        assertTrue(m.find(), reply);
        URI u = URI.create(m.group(1).replace("&amp;", "&"));
        return URI.create("https://127.0.0.1:" + u.getPort() + u.getRawPath());
    }

    static HttpsURLConnection open(URI u, String method) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) u.toURL().openConnection();
        c.setSSLSocketFactory(Clients.trusting(node).getSocketFactory());
        c.setHostnameVerifier((host, session) -> true);
        c.setRequestMethod(method);
        return c;
    }

    static int put(URI u, byte[] body, long announced) throws Exception {
        HttpsURLConnection c = open(u, "PUT");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(announced);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body, 0, (int) Math.min(body.length, announced));
        } catch (IOException refusedEarly) {
            // the listener may answer before the body is sent
        }
        return c.getResponseCode();
    }

    @Test
    void aFileGoesUpThroughItsSlotAndComesBackUntilItExpires() throws Exception {
        byte[] bytes = new byte[3000];
        new Random(7).nextBytes(bytes);
        try (RawClient c = RawClient.connect(node.c2sPort())
            .bind(TestNode.DOMAIN, Clients.trusting(node), "alice", "pw-alice", "r")) {
            URI u = slot(c, "s1", "notes.bin", bytes.length);
            assertEquals(201, put(u, bytes, bytes.length));
            HttpsURLConnection get = open(u, "GET");
            assertEquals(200, get.getResponseCode());
            assertEquals("nosniff", get.getHeaderField("X-Content-Type-Options"));
            try (InputStream in = get.getInputStream()) {
                assertArrayEquals(bytes, in.readAllBytes());
            }
            assertEquals(403, put(u, bytes, bytes.length), "a slot takes one upload");

            URI wrongSize = slot(c, "s2", "short.bin", 100);
            assertEquals(413, put(wrongSize, new byte[200], 200), "more than the slot announced");
            assertEquals(404, open(wrongSize, "GET").getResponseCode(), "nothing was kept");
            assertEquals(403, put(URI.create(u.toString().replaceAll("/upload/[^/]+/", "/upload/AAAAAAAAAAAAAAAAAAAAAAAA/")),
                bytes, bytes.length), "no slot, no upload");

            c.send("<iq type='get' id='s3' to='upload." + TestNode.DOMAIN + "'><request xmlns='urn:xmpp:http:upload:0' "
                + "filename='big.bin' size='4097'/></iq>");
            String tooBig = c.await("</iq>", Duration.ofSeconds(10));
            assertTrue(tooBig.contains("file-too-large") && tooBig.contains("4096"), tooBig);
        }
        // The file is on disk under its token, its name and size beside it, and nothing names alice.
        Path uploads = node.dataDir().resolve("uploads");
        try (Stream<Path> files = Files.walk(uploads)) {
            assertFalse(files.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1).contains("alice");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }), "no file under uploads names the uploader");
        }
    }
}
