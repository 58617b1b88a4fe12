package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file lives on the node that took its upload; removing the account deletes its files on every node at
 * once (not at the 72-hour sweep), and leaves other accounts' files alone.
 */
class UploadErasureIT {
    static TwoNodes nodes;

    @BeforeAll
    static void start() throws Exception {
        nodes = TwoNodes.start(Map.of());
        nodes.a.createUser("uploader", "pw");
        nodes.a.createUser("keeper", "pw");
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** Uploads a file through this node's own listener; returns its URL there. */
    static URI upload(TestNode node, String user, String name, byte[] body) throws Exception {
        try (RawClient c = RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, Clients.trusting(node), user, "pw", "r")) {
            c.send("<iq type='get' id='s' to='upload." + TestNode.DOMAIN + "'><request xmlns='urn:xmpp:http:upload:0' "
                + "filename='" + name + "' size='" + body.length + "' content-type='application/octet-stream'/></iq>");
            String reply = c.await("</iq>", Duration.ofSeconds(10));
            Matcher m = UploadIT.PUT.matcher(reply);
            assertTrue(m.find(), reply);
            URI u = URI.create(m.group(1).replace("&amp;", "&"));
            URI local = URI.create("https://127.0.0.1:" + u.getPort() + u.getRawPath());
            assertEquals(node.node().settings().config().getInt("chorus.http.port"), u.getPort(),
                "the slot names the listener of the node the client is on");
            HttpsURLConnection put = (HttpsURLConnection) local.toURL().openConnection();
            put.setSSLSocketFactory(Clients.trusting(node).getSocketFactory());
            put.setHostnameVerifier((host, session) -> true);
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = put.getOutputStream()) {
                out.write(body);
            }
            assertEquals(201, put.getResponseCode());
            return local;
        }
    }

    static long files(TestNode node) throws IOException {
        Path uploads = node.dataDir().resolve("uploads");
        try (Stream<Path> all = Files.walk(uploads)) {
            return all.filter(p -> p.getFileName().toString().equals("file")).count();
        }
    }

    @Test
    void removingAnAccountDeletesItsUploadsOnEveryNodeAtOnce() throws Exception {
        upload(nodes.a, "uploader", "a.bin", new byte[1000]);
        upload(nodes.b, "uploader", "b.bin", new byte[2000]);
        upload(nodes.b, "keeper", "kept.bin", new byte[500]);
        assertEquals(1, files(nodes.a));
        assertEquals(2, files(nodes.b));

        long removedAt = System.nanoTime();
        assertEquals(0, ChorusctlIT.ctlAt(nodes.a.dataDir(), nodes.a.node().settings().adminPort(),
            "user", "remove", "uploader@" + TestNode.DOMAIN).code());
        TwoNodes.await(() -> files(nodes.a) == 0 && files(nodes.b) == 1, Duration.ofSeconds(10),
            "the removed account's files are gone from both nodes");
        System.out.printf("upload erasure: files gone from both nodes %d ms after the removal returned%n",
            (System.nanoTime() - removedAt) / 1_000_000);
        assertEquals(1, files(nodes.b), "another account's file stays");
    }
}
