package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP listener's limits of issue 14, attacked over real sockets with several connections at once: a slowloris
 * (connections trickling a request head), upload bodies that trickle, more uploads at once than the cap, more
 * connections than the caps per address and on the node. After each attack a real client still gets a slot by XMPP
 * and uploads a file by HTTPS, and the node's heap is back near its baseline. Short settings: a head must arrive in
 * 2 s, a body keep up 16 KiB/s (32 KiB per 2 s).
 */
class UploadLimitsIT {
    static final int PER_ADDRESS = 8;
    static final int CONNECTIONS = 30;
    static final int UPLOADS = 3;
    static TestNode node;
    static SSLContext tls;
    static javax.net.ssl.SSLSocketFactory factory;
    static int port;
    static long baseline;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.upload.max-file-size", "1MiB", "chorus.http.request-timeout", "2s",
            "chorus.http.min-body-rate", "16KiB", "chorus.http.max-per-address", PER_ADDRESS,
            "chorus.http.max-connections", CONNECTIONS, "chorus.http.max-uploads", UPLOADS));
        node.createUser("alice", "pw-alice");
        tls = Clients.trusting(node);
        factory = tls.getSocketFactory();
        port = WebClients.httpPort(node);
        for (int i = 0; i < 2; i++) {
            realClientUploads("warm" + i);
        }
        baseline = SessionAttacks.heapAfterGc();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    // ---- raw HTTPS connections from loopback addresses of their own ----

    static SSLSocket connectFrom(String local) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.bind(new InetSocketAddress(local, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(15000);
        s.startHandshake();
        return s;
    }

    static void write(SSLSocket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * What the node sends until it closes the connection (a reset after its answer counts as the close), or until
     * the socket's timeout, marked {@code [still open]}. The socket stays the caller's to close.
     */
    static String readToClose(SSLSocket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            InputStream in = s.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return got.toString(StandardCharsets.ISO_8859_1) + "[still open]";
        } catch (IOException reset) {
            // closed
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    static void closeAll(List<SSLSocket> sockets) {
        for (SSLSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    // ---- the real client: a slot by XMPP, the file by HTTPS (as UploadIT) ----

    static URI slot(RawClient c, String id, String name, int size) throws IOException {
        c.send("<iq type='get' id='" + id + "' to='upload." + TestNode.DOMAIN + "'><request xmlns='urn:xmpp:http:upload:0' "
            + "filename='" + name + "' size='" + size + "' content-type='application/octet-stream'/></iq>");
        String reply = c.await("</iq>", SessionAttacks.WAIT);
        java.util.regex.Matcher m = UploadIT.PUT.matcher(reply);
        assertTrue(m.find(), reply);
        URI u = URI.create(m.group(1).replace("&amp;", "&"));
        return URI.create("https://127.0.0.1:" + u.getPort() + u.getRawPath());
    }

    static HttpsURLConnection open(URI u, String method) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) u.toURL().openConnection();
        c.setSSLSocketFactory(factory);
        // The real client keeps no idle connection behind (the JDK's would count against the address cap for 5 s).
        c.setRequestProperty("Connection", "close");
        c.setHostnameVerifier((host, session) -> true);
        c.setRequestMethod(method);
        return c;
    }

    static int put(URI u, byte[] body) throws Exception {
        HttpsURLConnection c = open(u, "PUT");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        } catch (IOException refusedEarly) {
            // the listener may answer before the body is sent
        }
        return c.getResponseCode();
    }

    static RawClient alice() throws Exception {
        return RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, "alice", "pw-alice", "r");
    }

    /** A slot, a 200 KB file up, the same bytes back. */
    static void realClientUploads(String name) throws Exception {
        byte[] bytes = new byte[200_000];
        new Random(name.hashCode()).nextBytes(bytes);
        try (RawClient c = alice()) {
            URI u = slot(c, name, name + ".bin", bytes.length);
            assertEquals(201, put(u, bytes), "a real client uploads");
            HttpsURLConnection get = open(u, "GET");
            assertEquals(200, get.getResponseCode());
            try (InputStream in = get.getInputStream()) {
                assertArrayEquals(bytes, in.readAllBytes());
            }
        }
    }

    static void afterTheAttack(String what) throws Exception {
        realClientUploads("after-" + what);
        SessionAttacks.assertHeapNear(baseline, 48, what);
    }

    // ---- the attacks ----

    @Test
    void aSlowlorisGets408AndClosedWhileARealClientUploads() throws Exception {
        List<SSLSocket> loris = new ArrayList<>();
        for (int source = 2; source <= 4; source++) {
            for (int i = 0; i < PER_ADDRESS - 1; i++) {
                loris.add(connectFrom("127.0.0." + source));
            }
        }
        long start = System.nanoTime();
        Thread trickler = new Thread(() -> {
            String head = "GET /.well-known/host-meta HTTP/1.1\nHost: x\nX-Pad: " + "a".repeat(200) + "\n\n";
            for (int pos = 0; pos < head.length(); pos++) {
                for (SSLSocket s : loris) {
                    try {
                        write(s, head.substring(pos, pos + 1));
                    } catch (IOException closed) {
                        // the node cut it
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "slowloris");
        trickler.start();
        realClientUploads("during-slowloris");
        try {
            for (SSLSocket s : loris) {
                String got = readToClose(s);
                assertTrue(got.startsWith("HTTP/1.1 408"), "a trickled head: " + got);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(seconds < 12, "cut after the 2 s request timeout, not the 75 s idle timeout: " + seconds + " s");
        } finally {
            trickler.interrupt();
            trickler.join();
            closeAll(loris);
        }
        afterTheAttack("slowloris");
    }

    @Test
    void slowBodiesGet408TheirPartialFilesGoAndUploadsPastTheCapGet503() throws Exception {
        int size = 500_000;
        List<SSLSocket> slow = new ArrayList<>();
        try (RawClient c = alice()) {
            List<URI> slots = new ArrayList<>();
            for (int i = 0; i < UPLOADS + 1; i++) {
                slots.add(slot(c, "slow" + i, "slow" + i + ".bin", size));
            }
            for (int i = 0; i < UPLOADS + 1; i++) {
                slow.add(connectFrom("127.0.0.5"));
            }
            // UPLOADS bodies at once, each a kilobyte and then a byte now and then: below 16 KiB/s.
            for (int i = 0; i < UPLOADS; i++) {
                write(slow.get(i), "PUT " + slots.get(i).getRawPath() + " HTTP/1.1\nHost: x\nContent-Length: " + size
                    + "\n\n" + "b".repeat(1000));
            }
            Thread.sleep(500);
            write(slow.get(UPLOADS), "PUT " + slots.get(UPLOADS).getRawPath() + " HTTP/1.1\nHost: x\nContent-Length: "
                + size + "\n\n");
            String past = readToClose(slow.get(UPLOADS));
            assertTrue(past.startsWith("HTTP/1.1 503"), "an upload past the cap: " + past);
            long start = System.nanoTime();
            for (int i = 0; i < UPLOADS; i++) {
                write(slow.get(i), "b");
            }
            for (int i = 0; i < UPLOADS; i++) {
                String got = readToClose(slow.get(i));
                assertTrue(got.startsWith("HTTP/1.1 408"), "a trickled body: " + got);
            }
            assertTrue((System.nanoTime() - start) / 1_000_000_000L < 10, "cut within a few request timeouts");

            Path uploads = node.dataDir().resolve("uploads");
            long deadline = System.nanoTime() + SessionAttacks.WAIT.toNanos();
            while (incoming(uploads) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, incoming(uploads), "the partial files are removed");
            byte[] bytes = new byte[size];
            new Random(3).nextBytes(bytes);
            assertEquals(403, put(slots.get(0), bytes), "a slot whose upload was cut short is used up");
            assertEquals(201, put(slots.get(UPLOADS), bytes), "the slot refused with 503 is still usable");
        } finally {
            closeAll(slow);
        }
        afterTheAttack("slow bodies");
    }

    static long incoming(Path uploads) throws IOException {
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".incoming-")).count();
        }
    }

    /**
     * A connection that asks for a missing page and keeps the connection: afterwards it waits for its next request,
     * held until the idle timeout. Returns the answer (404), or what a refused connection got (then closed).
     */
    static String held(String local) throws IOException {
        SSLSocket s = connectFrom(local);
        try {
            write(s, "GET /nothing HTTP/1.1\nHost: x\n\n");
        } catch (IOException refused) {
            // answered and closed already
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            InputStream in = s.getInputStream();
            int n;
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("not found\n") && (n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (IOException reset) {
            // closed
        }
        String answer = got.toString(StandardCharsets.ISO_8859_1);
        if (answer.startsWith("HTTP/1.1 404")) {
            HELD.add(s);
        } else {
            s.close();
        }
        return answer;
    }

    static final List<SSLSocket> HELD = new ArrayList<>();

    @Test
    void connectionsPastTheCapsGet429PerAddressAnd503OnTheNode() throws Exception {
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                assertTrue(held("127.0.0.6").startsWith("HTTP/1.1 404"));
            }
            String tooMany = held("127.0.0.6");
            assertTrue(tooMany.startsWith("HTTP/1.1 429"), "past the address cap: " + tooMany);
            // Fill the node's cap from other sources (the other tests' sockets may still be closing).
            int source = 7;
            String refused = "";
            for (int tries = 0; tries < CONNECTIONS + 5 && !refused.startsWith("HTTP/1.1 503"); tries++) {
                if (tries % (PER_ADDRESS - 1) == 0) {
                    source++;
                }
                String got = held("127.0.0." + source);
                if (!got.startsWith("HTTP/1.1 404")) {
                    refused = got;
                }
            }
            assertTrue(refused.startsWith("HTTP/1.1 503"), "past the node's cap: " + refused);
            assertTrue(HELD.size() <= CONNECTIONS, HELD.size() + " connections held");
            // Places are given back with their connections.
            closeAll(HELD);
            HELD.clear();
            long deadline = System.nanoTime() + SessionAttacks.WAIT.toNanos();
            String again = held("127.0.0.6");
            while (!again.startsWith("HTTP/1.1 404") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                again = held("127.0.0.6");
            }
            assertTrue(again.startsWith("HTTP/1.1 404"), "a place again once the others closed: " + again);
        } finally {
            closeAll(HELD);
            HELD.clear();
        }
        afterTheAttack("connection caps");
    }
}
