package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the session-limit attack tests share (issue 14): attackers from loopback addresses of their own (each one a
 * source), raw SASL attempts, the node's entity count from {@code /metrics}, the heap after full collections (of
 * this JVM, which runs the node: the attack's clients are closed when it is read), and the check that two real
 * clients still log in and talk. The {@code limits} branch has a process-based twin (AttackTarget); one of them
 * should go.
 */
final class SessionAttacks {
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionAttacks() {
    }

    // ---- the node's state ----

    /** Bytes of heap in use after full collections: the least of three. */
    static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            Thread.sleep(200);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /**
     * The heap is back near {@code baseline} within {@link #WAIT}: within {@code slackMiB}, for what the node keeps
     * as it serves.
     */
    static void assertHeapNear(long baseline, long slackMiB, String what) throws InterruptedException {
        // What the attack left in flight (closing connections, entities passivating) may take a moment to go.
        long limit = baseline + slackMiB * 1024 * 1024;
        long deadline = System.nanoTime() + WAIT.toNanos();
        long after = heapAfterGc();
        while (after >= limit && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            after = heapAfterGc();
        }
        System.out.printf("%s: heap after GC %.1f MiB (baseline %.1f MiB)%n", what, after / 1048576.0, baseline / 1048576.0);
        assertTrue(after < limit,
            what + ": heap " + after / 1048576 + " MiB after GC, baseline " + baseline / 1048576 + " MiB");
    }

    /**
     * The baseline: heap after full collections once the node has served ordinary traffic: TLS on several
     * connections at once (Netty keeps pooled buffer chunks per event loop for good), logins, two clients talking.
     */
    static long warmBaseline(TestNode node, SSLContext tls, String a, String passwordA, String b, String passwordB)
        throws Exception {
        for (int round = 0; round < 2; round++) {
            List<Callable<String>> logins = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                logins.add(() -> {
                    try (RawClient c = saslReady(node, "127.0.0.1", tls)) {
                        return plain(c, a, passwordA);
                    }
                });
            }
            atOnce(logins);
            realClientsTalk(node, a, passwordA, b, passwordB);
        }
        return heapAfterGc();
    }

    /** {@code chorus_entities{entity="user"}} of the node, as Prometheus reads it (refreshed every 10 s). */
    static int userEntities(TestNode node) throws Exception {
        String metrics = AdminHttp.get(node.dataDir(), node.node().settings().adminPort(), "/metrics");
        Matcher m = Pattern.compile("(?m)^chorus_entities\\{entity=\"user\"[^}]*} ([0-9.]+)").matcher(metrics);
        assertTrue(m.find(), "no user entity count in /metrics");
        return (int) Double.parseDouble(m.group(1));
    }

    // ---- real clients ----

    /** Two real clients (Smack) log in and exchange a message each way. */
    static void realClientsTalk(TestNode node, String a, String passwordA, String b, String passwordB) throws Exception {
        XMPPTCPConnection ca = Clients.login(node, a, passwordA, "check" + System.nanoTime());
        XMPPTCPConnection cb = Clients.login(node, b, passwordB, "check" + System.nanoTime());
        try {
            exchange(ca, cb);
        } finally {
            ca.disconnect();
            cb.disconnect();
        }
    }

    /**
     * A message from {@code ca} to {@code cb} and one back, each within 15 s. A message of an earlier exchange that
     * arrives first is skipped, and said: delivery is at least once, so a message whose recipient's stream ended before
     * it said it had it may reach the account's next resource again (offline, with a delay stamp, or live).
     */
    static void exchange(XMPPTCPConnection ca, XMPPTCPConnection cb) throws Exception {
        BlockingQueue<Message> atA = new ArrayBlockingQueue<>(100);
        BlockingQueue<Message> atB = new ArrayBlockingQueue<>(100);
        ca.addSyncStanzaListener(s -> atA.offer((Message) s), s -> s instanceof Message m && m.getBody() != null);
        cb.addSyncStanzaListener(s -> atB.offer((Message) s), s -> s instanceof Message m && m.getBody() != null);
        String there = "there " + System.nanoTime();
        ca.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(cb.getUser())).ofType(Message.Type.chat)
            .setBody(there).build());
        assertEquals(there, awaitBody(atB, there));
        String back = "back " + System.nanoTime();
        cb.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(ca.getUser())).ofType(Message.Type.chat)
            .setBody(back).build());
        assertEquals(back, awaitBody(atA, back));
    }

    /** The body {@code expected} within {@link #WAIT}, skipping (and printing) others; else the first other, or null. */
    private static String awaitBody(BlockingQueue<Message> queue, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String other = null;
        while (System.nanoTime() < deadline) {
            Message m = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            if (expected.equals(m.getBody())) {
                return m.getBody();
            }
            boolean delayed = m.hasExtension("delay", "urn:xmpp:delay");
            System.out.println("exchange: skipped a message of an earlier exchange (" + m.getBody() + ", "
                + (delayed ? "from offline storage" : "live") + ") while waiting for " + expected);
            if (other == null) {
                other = m.getBody();
            }
        }
        return other;
    }

    // ---- attackers ----

    /** A connection from this local address (127.0.0.x: a source of its own), STARTTLS done, ready for SASL. */
    static RawClient saslReady(TestNode node, String from, SSLContext tls) throws IOException {
        RawClient c = connectFrom(from, node.c2sPort());
        c.startTls(TestNode.DOMAIN, tls);
        c.send(RawClient.header(TestNode.DOMAIN));
        c.await("</stream:features>", WAIT);
        return c;
    }

    static RawClient connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return RawClient.over(s);
    }

    /** One SASL PLAIN attempt; returns "success" or the failure's condition. */
    static String plain(RawClient c, String user, String password) throws IOException {
        String creds = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
        return outcome(c);
    }

    /** The SASL outcome that comes next: "success" or the failure's condition. */
    static String outcome(RawClient c) throws IOException {
        String got = c.awaitAny(WAIT, "</failure>", "<success");
        if (got.contains("<success")) {
            return "success";
        }
        Matcher m = Pattern.compile("<failure[^>]*><([a-z-]+)").matcher(got);
        assertTrue(m.find(), got);
        return m.group(1);
    }

    /** What a SCRAM attempt with a wrong proof took: to the server-first message, and from the proof to the failure. */
    record ScramTimes(long challengeMillis, long failureMillis, String outcome) {
    }

    /** SCRAM-SHA-1 for {@code user}, then a wrong proof; times each answer. */
    static ScramTimes scramWithWrongProof(RawClient c, String user) throws IOException {
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        String clientNonce = Base64.getEncoder().encodeToString(nonce);
        String first = "n,,n=" + user + ",r=" + clientNonce;
        long t0 = System.nanoTime();
        c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>"
            + Base64.getEncoder().encodeToString(first.getBytes(StandardCharsets.UTF_8)) + "</auth>");
        String got = c.awaitAny(WAIT, "</challenge>", "</failure>");
        long challenge = (System.nanoTime() - t0) / 1_000_000;
        if (got.contains("</failure>")) {
            Matcher m = Pattern.compile("<failure[^>]*><([a-z-]+)").matcher(got);
            return new ScramTimes(challenge, challenge, m.find() ? m.group(1) : got);
        }
        Matcher m = Pattern.compile("<challenge[^>]*>([^<]+)</challenge>").matcher(got);
        assertTrue(m.find(), got);
        String serverFirst = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
        String fullNonce = serverFirst.substring(2, serverFirst.indexOf(','));
        byte[] proof = new byte[20];
        RANDOM.nextBytes(proof);
        String fin = "c=biws,r=" + fullNonce + ",p=" + Base64.getEncoder().encodeToString(proof);
        long t1 = System.nanoTime();
        c.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + Base64.getEncoder().encodeToString(fin.getBytes(StandardCharsets.UTF_8)) + "</response>");
        String outcome = outcome(c);
        return new ScramTimes(challenge, (System.nanoTime() - t1) / 1_000_000, outcome);
    }

    /** Runs the calls at once, on threads of their own; returns their results in order (or throws the first failure). */
    static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (Callable<T> c : calls) {
                fs.add(pool.submit(c));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get(10, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
