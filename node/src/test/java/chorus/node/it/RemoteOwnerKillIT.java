package chorus.node.it;

import chorus.node.cli.Chorusctl;
import chorus.node.it.peers.PeerServer;
import chorus.node.it.peers.PeerWorld;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The node that owns an outgoing server-to-server stream dies (kill -9) while messages flow over it: a two-node
 * Chorus cluster ({@code chorus.example} on 127.0.1.11 and 127.0.1.12, node processes, cluster TLS) federates with
 * a real Prosody (127.0.1.32, the peer harness's DNS on 127.0.1.31). Senders on the surviving node write to
 * recipients on Prosody; the {@code RemoteDomain} entity of the pair lives on the other node, found by the
 * connection its process holds to Prosody's s2s port. Every message sent ends delivered or bounced back to its
 * sender, none silently lost; a message that arrives twice (at least once) is counted and reported.
 *
 * <p>{@link ChorusOwnerKillIT} runs the same against a Chorus peer.
 *
 * <p>Node B (the higher address) starts first and takes the entity; A joins after. Killing B leaves A alone, and the
 * split brain resolver (keep-majority, equal halves) keeps the half with the lowest address: A.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class RemoteOwnerKillIT {
    static final String A_IP = "127.0.1.11";
    static final String B_IP = "127.0.1.12";
    static final int SENDERS = 3;
    static final int PER_SENDER = 150;
    static final Duration PACE = Duration.ofMillis(60);

    PeerWorld world;
    TestClusterKeys keys;
    String keyspace;
    Path[] pem;
    OwnerKillNode a;
    OwnerKillNode b;

    /** The server the recipients use: Prosody of the world, or another. */
    interface Peer {
        String domain();

        String ip();

        int s2sPort();

        void register(String user) throws Exception;

        XMPPTCPConnection login(String user) throws Exception;

        String logs();
    }

    Peer peer;

    /** The world's options: which peers it runs and what its DNS publishes (chorus.example is already there). */
    PeerWorld.Options worldOptions(PeerWorld.Options o) {
        return o.withoutEjabberd();
    }

    /** The peer, once the world runs. */
    Peer startPeer() throws Exception {
        return peerOf(world.prosody());
    }

    /** One of the world's servers as the peer. */
    Peer peerOf(PeerServer p) {
        return new Peer() {
            public String domain() {
                return p.domain();
            }

            public String ip() {
                return p.ip();
            }

            public int s2sPort() {
                return p.s2sPort();
            }

            public void register(String user) throws Exception {
                p.register(user, "pw");
            }

            public XMPPTCPConnection login(String user) throws Exception {
                return world.login(p, user, "pw", "kill");
            }

            public String logs() {
                return world.logs();
            }
        };
    }

    @BeforeAll
    void start() throws Exception {
        TestCassandra.requireRunning();
        keyspace = TestCassandra.newKeyspace();
        keys = TestClusterKeys.create();
        assertEquals(0, Chorusctl.run(new String[] {"schema", "apply", "--contact-points=127.0.0.1:" + TestCassandra.cqlPort(),
            "--keyspace=" + keyspace}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        a = new OwnerKillNode(1, A_IP, TestNode.freePort());
        b = new OwnerKillNode(2, B_IP, TestNode.freePort());
        // Prosody's own stream to chorus.example (its acknowledgements, errors) lands on A, which survives.
        world = PeerWorld.start(worldOptions(PeerWorld.options().at("127.0.1.31", "127.0.1.32", "127.0.1.33")
            .publish(PeerWorld.CHORUS_DOMAIN, A_IP, a.s2sPort, false)));
        peer = startPeer();
        Path dir = Files.createTempDirectory(world.directory(), "chorus");
        pem = TestCa.writeIdentity(world.issue(TestCa.Names.dns(PeerWorld.CHORUS_DOMAIN, "*." + PeerWorld.CHORUS_DOMAIN)),
            dir, "chorus");
        String seeds = b.seed() + "," + a.seed();
        b.start(seeds, keyspace, pem, world, keys);
        for (int i = 0; i < SENDERS; i++) {
            b.ctl("user", "add", "sender" + i, "pw");
        }
        b.ctl("user", "add", "starter", "pw");
        for (int i = 0; i < 3; i++) {
            peer.register("reader" + i);
        }
    }

    /** Stops the peer, when it is not the world's. */
    void stopPeer() {
    }

    @AfterAll
    void stop() throws Exception {
        stopPeer();
        for (OwnerKillNode n : new OwnerKillNode[] {a, b}) {
            if (n != null && n.process != null) {
                n.process.close();
            }
        }
        if (world != null) {
            world.close();
        }
    }

    XMPPTCPConnection login(OwnerKillNode n, String user) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain(PeerWorld.CHORUS_DOMAIN)
            .setHostAddress(InetAddress.getByName(n.ip))
            .setPort(n.c2sPort)
            .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
            .setCustomX509TrustManager(world.trustManager())
            .setUsernameAndPassword(user, "pw")
            .setResource("kill")
            .setConnectTimeout(10_000)
            .build());
        c.setReplyTimeout(20_000);
        c.connect().login();
        return c;
    }

    /** The processes that hold an established TCP connection to the peer's s2s port: the owners of the stream. */
    List<Long> streamOwners() throws Exception {
        String out = String.join("\n", Established.to(peer.ip(), peer.s2sPort(), true));
        List<Long> pids = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+)").matcher(out);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    static void await(BooleanSupplier ok, Duration max, java.util.function.Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        if (!ok.getAsBoolean()) {
            fail(what.get());
        }
    }

    @Test
    void killingTheNodeThatOwnsTheOutgoingStreamLosesNoMessage() throws Exception {
        // The entity of (chorus.example, the peer's domain) starts on B, the only node: a first message makes it.
        XMPPTCPConnection starter = login(b, "starter");
        XMPPTCPConnection[] readers = new XMPPTCPConnection[3];
        Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
        for (int i = 0; i < readers.length; i++) {
            readers[i] = peer.login("reader" + i);
            readers[i].addAsyncStanzaListener(s -> {
                Message m = (Message) s;
                if (m.getType() != Message.Type.error && m.getBody() != null) {
                    delivered.computeIfAbsent(m.getBody(), k -> new AtomicInteger()).incrementAndGet();
                }
            }, StanzaTypeFilter.MESSAGE);
        }
        starter.sendStanza(StanzaBuilder.buildMessage("start").to(JidCreate.entityBareFrom("reader0@" + peer.domain()))
            .ofType(Message.Type.chat).setBody("start").build());
        await(() -> delivered.containsKey("start"), Duration.ofSeconds(60), () -> "the first message did not arrive\n"
            + peer.logs() + "\n" + b.process.outputSinceStart());
        assertEquals(List.of(b.pid()), streamOwners(), "B holds the stream to the peer");

        a.start(b.seed() + "," + a.seed(), keyspace, pem, world, keys);
        await(() -> a.upMembers() == 2, Duration.ofSeconds(60), () -> "A did not join");
        System.out.println(getClass().getSimpleName() + ": the peer's own stream to " + PeerWorld.CHORUS_DOMAIN
            + " answered a ping after " + returnPath(readers[0]) + " ms");
        // Whatever happened to the first stream meanwhile (a peer that cannot answer has it closed after
        // bounce-after), the entity is still B's: a second message goes over B's stream.
        starter.sendStanza(StanzaBuilder.buildMessage("start2").to(JidCreate.entityBareFrom("reader0@" + peer.domain()))
            .ofType(Message.Type.chat).setBody("start2").build());
        await(() -> delivered.containsKey("start2"), Duration.ofSeconds(60), () -> "the second message did not arrive\n"
            + peer.logs());
        assertEquals(List.of(b.pid()), streamOwners(), "the stream stayed with B when A joined");
        starter.disconnect();

        XMPPTCPConnection[] senders = new XMPPTCPConnection[SENDERS];
        Set<String> errored = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < SENDERS; i++) {
            senders[i] = login(a, "sender" + i);
            senders[i].addAsyncStanzaListener(s -> {
                if (((Message) s).getType() == Message.Type.error && s.getStanzaId() != null) {
                    errored.add(s.getStanzaId());
                }
            }, StanzaTypeFilter.MESSAGE);
        }
        List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        // Every tenth message, a ping to Prosody itself too (an IQ: no session holds it, the node's handoff does).
        List<org.jivesoftware.smack.SmackFuture<org.jivesoftware.smack.packet.IQ, Exception>> pings =
            java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            int s = i;
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < PER_SENDER; n++) {
                        String key = "s" + s + "-" + n;
                        senders[s].sendStanza(StanzaBuilder.buildMessage(key)
                            .to(JidCreate.entityBareFrom("reader" + (n % 3) + "@" + peer.domain()))
                            .ofType(Message.Type.chat).setBody(key).build());
                        sent.add(key);
                        if (n % 10 == 0) {
                            pings.add(senders[s].sendIqRequestAsync(new org.jivesoftware.smackx.ping.packet.Ping(
                                JidCreate.domainBareFrom(peer.domain())), 190_000));
                        }
                        Thread.sleep(PACE.toMillis());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "sender-" + i);
            threads.add(t);
            t.start();
        }
        // A third of the way, the owner of the stream dies.
        await(() -> sent.size() >= SENDERS * PER_SENDER / 3, Duration.ofSeconds(60), () -> "the senders are stuck");
        long killedAt = System.nanoTime();
        int sentBeforeKill = sent.size();
        b.process.process.destroyForcibly().waitFor();
        for (Thread t : threads) {
            t.join();
        }
        int total = SENDERS * PER_SENDER;
        assertEquals(total, sent.size());
        await(() -> KillTally.settled(sent, delivered, errored) == total, Duration.ofSeconds(180), () -> "not every message settled: "
            + KillTally.numbers(sent, delivered, errored, sentBeforeKill) + "\n" + a.process.outputSinceStart());
        long settledAfter = (System.nanoTime() - killedAt) / 1_000_000;
        Thread.sleep(5000); // late copies
        String numbers = KillTally.numbers(sent, delivered, errored, sentBeforeKill);
        System.out.println(getClass().getSimpleName() + ": " + numbers + ", settled " + settledAfter + " ms after the kill; stream"
            + " owners now: " + streamOwners() + " (A is " + a.pid() + ")");
        // A ping whose request the dead node held is handed again (RemoteHandoff) or bounced after three times
        // bounce-after (180 s); its answer comes back through the sender's UserEntity, which, when it lived on the
        // killed node, loses what it was relaying (IQs to a user's entity are not acknowledged end to end). So pings
        // are counted and reported, not required to be all answered.
        System.out.println(getClass().getSimpleName() + ": pings to " + peer.domain() + ": "
            + KillTally.pings(pings, Duration.ofSeconds(200)));
        for (XMPPTCPConnection c : senders) {
            c.disconnect();
        }
        for (XMPPTCPConnection c : readers) {
            c.disconnect();
        }
        long both = sent.stream().filter(k -> delivered.containsKey(k) && errored.contains(k)).count();
        long lost = sent.stream().filter(k -> !delivered.containsKey(k) && !errored.contains(k)).count();
        assertEquals(0, lost, "lost: " + numbers);
        assertEquals(0, both, "delivered and also bounced to the sender: " + numbers);
        assertEquals(total, sent.stream().filter(delivered::containsKey).count() + errored.size(), numbers);
    }

    /**
     * The peer's own stream to chorus.example (on A, which the DNS names) carries its answers, acknowledgement pings
     * included: a ping from the peer's side must come back before the run means anything. A peer that tried while
     * A was not yet up may wait a while before it tries again (ejabberd does).
     */
    long returnPath(XMPPTCPConnection reader) throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(120).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                reader.sendIqRequestAndWaitForResponse(new org.jivesoftware.smackx.ping.packet.Ping(
                    JidCreate.domainBareFrom(PeerWorld.CHORUS_DOMAIN)));
                return (System.nanoTime() - start) / 1_000_000;
            } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException | org.jivesoftware.smack.SmackException.NoResponseException e) {
                last = e;
                Thread.sleep(1000);
            }
        }
        throw new AssertionError("the peer never reached " + PeerWorld.CHORUS_DOMAIN + ": " + last + "\n" + peer.logs());
    }
}
