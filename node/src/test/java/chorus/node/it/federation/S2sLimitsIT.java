package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.TestNode;
import chorus.node.it.peers.S2sProbe;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits of server-to-server and component connections, attacked over real sockets from several connections at
 * once: {@code a.example} (127.0.1.41) takes at most {@code max-per-address} incoming s2s streams from one address
 * (more get policy-violation, another address is still served), at most {@code component.max-connections} component
 * connections (more get resource-constraint; a real component connects once the squatters left), and closes s2s
 * streams idle for {@code idle-timeout} both ways: an incoming stream that says nothing, and its own outgoing stream
 * to {@code b.example} (127.0.1.42), which its entity opens again when there is something to send. A local client
 * stays connected throughout.
 */
class S2sLimitsIT {
    static final String A_IP = "127.0.1.41";
    static final String B_IP = "127.0.1.42";
    static final int PER_ADDRESS = 3;
    static final int COMPONENTS = 3;
    static final Duration IDLE = Duration.ofSeconds(8);
    /** Stanzas per second of one incoming stream: behind it for ten bursts (20 s), a peer is abusive. */
    static final int RATE = 5;
    static final String GATEWAY = "gateway.a.example";
    static final String SECRET = "a component secret of the limits test";
    static Path dir;
    static FederatedNode a;
    static FederatedNode b;
    static int componentPort;
    static chorus.node.tls.S2sTlsContexts peerTls;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chorus-s2s-limits-");
        TestCa ca = TestCa.create("S2s limits test CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        componentPort = TestNode.freePort();
        FederatedNode.Options oa = new FederatedNode.Options("a.example", A_IP);
        FederatedNode.Options ob = new FederatedNode.Options("b.example", B_IP);
        oa.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("a.example", "*.a.example")), dir, "a")).trust(caFile)
            .peer("b.example", B_IP, ob.s2sPort())
            .set("chorus.s2s.max-per-address", PER_ADDRESS)
            .set("chorus.s2s.idle-timeout", IDLE.toSeconds() + "s")
            .set("chorus.s2s.rate.stanzas-per-second", RATE)
            .set("chorus.s2s.rate.stanza-burst", 2 * RATE)
            .set("chorus.s2s.rate.bytes-per-second", 0)
            .set("chorus.component.bind", A_IP)
            .set("chorus.component.port", componentPort)
            .set("chorus.component.max-connections", COMPONENTS)
            .set("chorus.component.components", List.of(Map.of("domain", GATEWAY, "secret", SECRET)));
        ob.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("b.example", "*.b.example")), dir, "b")).trust(caFile)
            .peer("a.example", A_IP, oa.s2sPort());
        a = FederatedNode.start(oa);
        b = FederatedNode.start(ob);
        a.createUser("alice", "pw-alice");
        b.createUser("bob", "pw-bob");
        peerTls = chorus.node.tls.S2sTlsContexts.create(ca.issue(TestCa.Names.dns("peer.example")));
    }

    @AfterAll
    static void stop() {
        for (FederatedNode n : new FederatedNode[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** {@code n} stream openings at once from {@code ip}: each probe with what the node answered first. */
    static List<Opened> openAtOnce(String ip, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Opened>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    S2sProbe p = S2sProbe.connectFrom(ip, new InetSocketAddress(A_IP, a.s2sPort), "peer.example", "a.example");
                    p.offerStream(); // a refused stream may be closed before its header arrives
                    return new Opened(p, p.awaitAny("<stream:features", "<stream:error"));
                }));
            }
            List<Opened> out = new ArrayList<>();
            for (Future<Opened> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    record Opened(S2sProbe probe, String answer) {
        boolean admitted() {
            return answer.contains("<stream:features") && !answer.contains("<stream:error");
        }
    }

    @Test
    void onePeerAddressGetsAtMostMaxPerAddressStreamsAndAnotherAddressIsStillServed() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "per-address");
        List<Opened> flood = new ArrayList<>();
        List<Opened> other = new ArrayList<>();
        try {
            flood.addAll(openAtOnce("127.0.1.21", 2 * PER_ADDRESS));
            other.addAll(openAtOnce("127.0.1.22", PER_ADDRESS));
            long admitted = flood.stream().filter(Opened::admitted).count();
            System.out.println("S2sLimitsIT: " + flood.size() + " streams at once from one address: " + admitted
                + " admitted; from another address: " + other.stream().filter(Opened::admitted).count() + " of " + other.size());
            assertEquals(PER_ADDRESS, admitted, "streams taken from one address");
            for (Opened o : flood) {
                if (!o.admitted()) {
                    assertTrue(o.answer().contains("policy-violation"), "expected policy-violation: " + o.answer());
                    o.probe().awaitClosed();
                }
            }
            assertTrue(other.stream().allMatch(Opened::admitted), "the other address was refused too");
            assertTrue(flood.stream().filter(Opened::admitted).allMatch(o -> o.probe().open()), "an admitted stream closed");
            assertTrue(alice.isConnected() && alice.isAuthenticated(), "the client suffered");
            // The address is forgotten with its streams: once they close, it is served again.
            flood.forEach(o -> o.probe().close());
            flood.clear();
            Federated.await(() -> {
                List<Opened> again = openAtOnce("127.0.1.21", 1);
                again.forEach(o -> o.probe().close());
                return again.get(0).admitted();
            }, () -> "the address stayed refused after its streams closed");
        } finally {
            flood.forEach(o -> o.probe().close());
            other.forEach(o -> o.probe().close());
            alice.disconnect();
        }
    }

    /** A raw component connection: the stream header sent, what came back within a short while. */
    static final class RawComponent implements AutoCloseable {
        final Socket socket = new Socket();
        final StringBuilder got = new StringBuilder();

        RawComponent() throws Exception {
            socket.connect(new InetSocketAddress(A_IP, componentPort), 5000);
            send("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + GATEWAY + "'>");
        }

        void send(String s) throws Exception {
            OutputStream out = socket.getOutputStream();
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads until {@code marker} came, the connection closed, or {@code max} passed; all read so far. */
        String readUntil(String marker, Duration max) throws Exception {
            InputStream in = socket.getInputStream();
            long deadline = System.nanoTime() + max.toNanos();
            byte[] buf = new byte[4096];
            while (!got.toString().contains(marker) && System.nanoTime() < deadline) {
                socket.setSoTimeout(200);
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                } catch (SocketTimeoutException again) {
                    // keep waiting
                }
            }
            return got.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing
            }
        }
    }

    @Test
    void componentConnectionsBeyondTheCapAreRefusedAndARealComponentConnectsOnceTheyLeave() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * COMPONENTS);
        List<RawComponent> squatters = new ArrayList<>();
        try {
            List<Future<RawComponent>> futures = new ArrayList<>();
            for (int i = 0; i < 2 * COMPONENTS; i++) {
                futures.add(pool.submit((Callable<RawComponent>) () -> {
                    RawComponent c = new RawComponent();
                    c.readUntil("stream:error", Duration.ofSeconds(3));
                    return c;
                }));
            }
            for (Future<RawComponent> f : futures) {
                squatters.add(f.get());
            }
            long refused = squatters.stream().filter(c -> c.got.toString().contains("resource-constraint")).count();
            long held = squatters.stream().filter(c -> c.got.toString().contains("<stream:stream")
                && !c.got.toString().contains("stream:error")).count();
            System.out.println("S2sLimitsIT: " + squatters.size() + " component connections at once: " + held + " held, "
                + refused + " refused");
            assertEquals(COMPONENTS, held);
            assertEquals(COMPONENTS, refused);
            squatters.forEach(RawComponent::close);
            // The real component: XEP-0114 §3, the handshake is hex(SHA-1(stream id + secret)).
            Federated.await(() -> {
                try (RawComponent c = new RawComponent()) {
                    String header = c.readUntil("'>", Duration.ofSeconds(3)) + c.readUntil("\">", Duration.ofMillis(300));
                    Matcher id = Pattern.compile("id=['\"]([^'\"]+)['\"]").matcher(header);
                    if (header.contains("stream:error") || !id.find()) {
                        return false;
                    }
                    byte[] digest = MessageDigest.getInstance("SHA-1").digest((id.group(1) + SECRET)
                        .getBytes(StandardCharsets.UTF_8));
                    c.send("<handshake>" + HexFormat.of().formatHex(digest) + "</handshake>");
                    return c.readUntil("<handshake/>", Duration.ofSeconds(5)).contains("<handshake/>");
                }
            }, () -> "the real component could not connect after the squatters left");
        } finally {
            squatters.forEach(RawComponent::close);
            pool.shutdown();
        }
    }

    @Test
    void anIncomingStreamThatSaysNothingIsClosedAfterIdleTimeout() throws Exception {
        try (S2sProbe probe = S2sProbe.connectFrom("127.0.1.23", new InetSocketAddress(A_IP, a.s2sPort), "peer.example",
                "a.example")) {
            probe.openStream();
            probe.startTls(peerTls);
            probe.openStream();
            long t0 = System.nanoTime();
            probe.awaitClosed();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("S2sLimitsIT: an idle incoming stream closed after " + took.toMillis() + " ms (idle-timeout "
                + IDLE.toMillis() + " ms)");
            assertTrue(took.compareTo(IDLE.minusSeconds(1)) >= 0, "closed too early: " + took);
        }
    }

    /** Established TCP connections to B's s2s port: A's outgoing stream to b.example (nothing else connects there). */
    static int outgoingToB() throws Exception {
        return chorus.node.it.Established.to(B_IP, b.s2sPort, false).size();
    }

    @Test
    void anIdleOutgoingStreamIsClosedAndOpenedAgainWhenThereIsSomethingToSend() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "idle");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "idle");
        try {
            Federated.assertChat(alice, bob, "before the stream idles", () -> "(see the test log)");
            assertEquals(1, outgoingToB(), "A's stream to b.example");
            long t0 = System.nanoTime();
            Federated.await(() -> outgoingToB() == 0, () -> "A's idle stream to b.example stayed open");
            System.out.println("S2sLimitsIT: the idle outgoing stream closed " + (System.nanoTime() - t0) / 1_000_000
                + " ms after the last message (idle-timeout " + IDLE.toMillis() + " ms)");
            Federated.assertChat(alice, bob, "after the stream idled", () -> "(see the test log)");
            assertEquals(1, outgoingToB(), "A opened its stream to b.example again");
            assertTrue(alice.isConnected(), "alice stayed connected");
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    /** A stream from peer.example from {@code ip}, through STARTTLS and SASL EXTERNAL, ready for stanzas. */
    static S2sProbe authenticatedFrom(String ip) throws Exception {
        S2sProbe probe = S2sProbe.connectFrom(ip, new InetSocketAddress(A_IP, a.s2sPort), "peer.example", "a.example");
        probe.openStream();
        probe.startTls(peerTls);
        probe.openStream();
        assertTrue(probe.authenticateExternal().contains("<success"), "EXTERNAL refused");
        probe.openStream("<stream:features");
        return probe;
    }

    @Test
    void aPeerFloodingStanzasIsSlowedToItsRateThenEndedWithPolicyViolationWhileOthersAreServed() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "flood");
        XMPPTCPConnection bob = b.login("bob", "pw-bob", "flood");
        java.util.concurrent.atomic.AtomicInteger flooded = new java.util.concurrent.atomic.AtomicInteger();
        alice.addAsyncStanzaListener(s -> flooded.incrementAndGet(), new org.jivesoftware.smack.filter.AndFilter(
            org.jivesoftware.smack.filter.StanzaTypeFilter.MESSAGE,
            org.jivesoftware.smack.filter.FromMatchesFilter.createBare(org.jxmpp.jid.impl.JidCreate.bareFrom("flood@peer.example"))));
        List<S2sProbe> flooders = new ArrayList<>();
        try {
            for (String ip : new String[] {"127.0.1.24", "127.0.1.25", "127.0.1.26"}) {
                flooders.add(authenticatedFrom(ip));
            }
            long t0 = System.nanoTime();
            int each = 2000;
            for (int n = 0; n < each; n++) {
                for (S2sProbe p : flooders) {
                    p.send("<message xmlns='jabber:server' type='headline' from='flood@peer.example/x' to='alice@a.example'"
                        + " id='f" + n + "'><body>flood " + n + "</body></message>");
                }
            }
            // While the flood waits in the peers' buffers, an honest peer's message and the client are served.
            Federated.assertChat(bob, alice, "honest, during a flood", () -> "(see the test log)");
            for (S2sProbe p : flooders) {
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                while (!p.received().contains("<stream:error") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(p.received().contains("<stream:error"), "no stream error after "
                    + (System.nanoTime() - t0) / 1_000_000_000 + " s; alice got " + flooded.get() + " flood stanzas: "
                    + p.received());
                assertTrue(p.received().contains("policy-violation"), p.received());
                p.awaitClosed();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("S2sLimitsIT: 3 peers flooding %d stanzas each at %d/s allowed: policy-violation after %.1f s;"
                + " alice got %d of their %d stanzas (%.1f/s per stream)%n", each, RATE, seconds, flooded.get(), 3 * each,
                flooded.get() / seconds / 3);
            // Per stream: its burst, its rate meanwhile, and what was read before its connection stopped being read
            // (handled at once, its cost counted as debt): one read of at most 64 KiB (Netty's largest read buffer).
            int stanzaBytes = ("<message xmlns='jabber:server' type='headline' from='flood@peer.example/x'"
                + " to='alice@a.example' id='f1000'><body>flood 1000</body></message>").length();
            int oneRead = 64 * 1024 / stanzaBytes;
            assertTrue(flooded.get() < 3 * (2 * RATE + RATE * seconds + oneRead), "more got through than the rate allows: "
                + flooded.get());
            assertTrue(alice.isConnected() && alice.isAuthenticated(), "the client suffered");
            Federated.assertChat(bob, alice, "honest, after the flood", () -> "(see the test log)");
        } finally {
            flooders.forEach(S2sProbe::close);
            alice.disconnect();
            bob.disconnect();
        }
    }
}
