package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.RawClient;
import chorus.node.it.TestCassandra;
import chorus.node.it.TestClusterKeys;
import chorus.node.it.TestNode;
import chorus.node.it.peers.PeerComponent;
import chorus.node.tls.TestCa;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.AndFilter;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An external component (XEP-0114) in a cluster: {@code x.example} is served by two nodes, A (127.0.2.1) and B
 * (127.0.2.2), one cluster in one keyspace; slixmpp's {@code ComponentXMPP} serves {@code gateway.x.example} from B's
 * component listener (each node has one). A user on A and a user of another server ({@code y.example}, a Chorus of its own on 127.0.2.3,
 * whose server-to-server stream lands on A) reach it, and its replies reach them. A component's stanzas may only come
 * from its own domain. A node that does not know of a component's stream yet holds stanzas for its domain
 * ({@code chorus.component.registration-wait}, here {@link #REGISTRATION_WAIT}, at most
 * {@link #REGISTRATION_WAIT_MAX} at once): a message sent to {@code late.x.example} on node A just before and just as
 * its component connects to node B reaches it; for {@code idle.x.example}, whose component never connects, those
 * beyond the bound bounce at once and the others after the wait.
 */
class ComponentAcrossNodesIT {
    static final String GATEWAY = "gateway.x.example";
    static final String RAW = "raw.x.example";
    static final String SECRET = "the gateway's secret of the test";
    static final String RAW_SECRET = "the raw component's secret of the test";
    static final String LATE = "late.x.example";
    static final String IDLE = "idle.x.example";
    static final String OTHER_SECRET = "the other components' secret";
    static final Duration REGISTRATION_WAIT = Duration.ofSeconds(12);
    static final int REGISTRATION_WAIT_MAX = 3;
    static Path dir;
    static FederatedNode a;
    static FederatedNode b;
    static FederatedNode y;
    static int componentPort;
    static PeerComponent component;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chorus-component-cluster-");
        TestCa ca = TestCa.create("component cluster test CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        Path[] x = TestCa.writeIdentity(ca.issue(TestCa.Names.dns("x.example", "*.x.example")), dir, "x");
        Path[] yIdentity = TestCa.writeIdentity(ca.issue(TestCa.Names.dns("y.example", "*.y.example")), dir, "y");
        TestClusterKeys keys = TestClusterKeys.create();
        String keyspace = TestCassandra.newKeyspace();
        int seed = TestNode.freePort();
        componentPort = TestNode.freePort();
        List<Map<String, String>> components = List.of(Map.of("domain", GATEWAY, "secret", SECRET),
            Map.of("domain", RAW, "secret", RAW_SECRET), Map.of("domain", LATE, "secret", OTHER_SECRET),
            Map.of("domain", IDLE, "secret", OTHER_SECRET));
        FederatedNode.Options oa = new FederatedNode.Options("x.example", "127.0.2.1");
        FederatedNode.Options ob = new FederatedNode.Options("x.example", "127.0.2.2");
        FederatedNode.Options oy = new FederatedNode.Options("y.example", "127.0.2.3");
        for (FederatedNode.Options o : List.of(oa, ob)) {
            o.certificate(x).trust(caFile).peer("y.example", "127.0.2.3", oy.s2sPort())
                .set("chorus.cassandra.keyspace", keyspace)
                .set("chorus.cluster.seed-nodes", "127.0.2.1:" + seed)
                .set("chorus.component.components", components)
                .set("chorus.component.registration-wait", REGISTRATION_WAIT.toMillis() + "ms")
                .set("chorus.component.registration-wait-max-stanzas", REGISTRATION_WAIT_MAX);
        }
        oa.set("chorus.cluster.host", "127.0.2.1").set("chorus.cluster.port", seed)
            .set("chorus.cluster.tls.dir", keys.node(1).toString())
            .set("chorus.component.bind", "127.0.2.1").set("chorus.component.port", TestNode.freePort());
        ob.set("chorus.cluster.host", "127.0.2.2").set("chorus.cluster.tls.dir", keys.node(2).toString())
            .set("chorus.component.bind", "127.0.2.2").set("chorus.component.port", componentPort);
        // The other server knows x.example (and its component's domain) at node A only.
        oy.certificate(yIdentity).trust(caFile).peer("x.example", "127.0.2.1", oa.s2sPort())
            .route(GATEWAY, "127.0.2.1", oa.s2sPort());
        a = FederatedNode.start(oa);
        b = FederatedNode.start(ob);
        y = FederatedNode.start(oy);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (upMembers(a) < 2 || upMembers(b) < 2) {
            assertTrue(System.nanoTime() < deadline, "two members up");
            Thread.sleep(200);
        }
        a.createUser("alice", "pw-alice");
        a.createUser("scout", "pw-scout");
        a.createUser("lara", "pw-lara");
        a.createUser("ivan", "pw-ivan");
        y.createUser("yuri", "pw-yuri");
        component = PeerComponent.start(GATEWAY, SECRET, "127.0.2.2", componentPort, dir);
        // The other node learns of the component through the cluster's receptionist, a few seconds later (until then
        // it holds stanzas for the component's domain): how long until an echo comes back is measured, within
        // Federated.WAIT. A user of its own asks, so that a late echo waits for no one else.
        long connected = System.nanoTime();
        Federated.together(u -> Federated.await(() -> echoes(u[0]), () -> "node A never reached the component on B\n"
            + component.output()), () -> a.login("scout", "pw-scout", "first"));
        System.out.printf("node A reached the component %d ms after it connected to node B%n",
            (System.nanoTime() - connected) / 1_000_000);
    }

    /** Whether a chat to the component comes back as its echo (not as an error) within 2 s. */
    static boolean echoes(XMPPTCPConnection user) throws Exception {
        StanzaCollector inbox = user.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
            FromMatchesFilter.createBare(JidCreate.bareFrom("echo@" + GATEWAY))));
        try {
            user.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.bareFrom("echo@" + GATEWAY)).ofType(Message.Type.chat)
                .setBody("are you there").build());
            Message got = inbox.nextResult(2_000);
            return got != null && got.getType() == Message.Type.chat;
        } finally {
            inbox.cancel();
        }
    }

    @AfterAll
    static void stop() {
        if (component != null) {
            component.close();
        }
        for (FederatedNode n : new FederatedNode[] {y, b, a}) {
            if (n != null) {
                n.close();
            }
        }
    }

    static long upMembers(FederatedNode n) {
        return StreamSupport.stream(Cluster.get(n.node.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    static Supplier<String> logs() {
        return () -> component.output();
    }

    @Test
    void aComponentConnectedToOneNodeServesAUserOfTheOtherNode() throws Exception {
        Federated.together(u -> {
            Federated.assertComponentEcho(u[0], "echo@" + GATEWAY, "from node A", logs());
            Federated.assertComponentPresence(u[0], "echo@" + GATEWAY, logs());
        }, () -> a.login("alice", "pw-alice", "gateway"));
    }

    @Test
    void aComponentConnectedToOneNodeServesAnotherServersUserWhoseStreamLandsOnTheOtherNode() throws Exception {
        Federated.together(u -> {
            Federated.assertComponentEcho(u[0], "echo@" + GATEWAY, "from y.example", logs());
            Federated.assertComponentPresence(u[0], "echo@" + GATEWAY, logs());
        }, () -> y.login("yuri", "pw-yuri", "gateway"));
    }

    /**
     * XEP-0114 §3 and RFC 6120 §4.9.3.9: a raw component of {@code raw.x.example} that sends from another domain (the
     * server's, or the other component's) gets {@code invalid-from} and loses its stream; the other component and
     * its users are untouched.
     */
    @Test
    void aComponentSendingFromAnotherDomainGetsInvalidFromAndTheOtherComponentGoesOn() throws Exception {
        for (String forged : new String[] {"alice@x.example", "echo@" + GATEWAY}) {
            try (RawClient raw = rawComponent()) {
                raw.send("<message from='" + forged + "' to='yuri@y.example' type='chat'><body>forged</body></message>");
                raw.await("invalid-from", Duration.ofSeconds(20));
                assertTrue(raw.closedWithin(Duration.ofSeconds(20)), "the stream of a component that forged " + forged);
            }
        }
        aComponentConnectedToOneNodeServesAUserOfTheOtherNode();
        aComponentConnectedToOneNodeServesAnotherServersUserWhoseStreamLandsOnTheOtherNode();
    }

    /**
     * A message to {@code late.x.example} sent from node A before its component connects to node B, and one sent the
     * moment the component's handshake is done, both reach it and are echoed, in order: node A held them until the
     * receptionist told it of the component (without the hold, node A answered service-unavailable for 0.9 to 3.6 s).
     */
    @Test
    void aMessageSentAsTheComponentConnectsToTheOtherNodeReachesIt() throws Exception {
        Federated.together(u -> {
            XMPPTCPConnection lara = u[0];
            StanzaCollector inbox = lara.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
                FromMatchesFilter.createBare(JidCreate.bareFrom("echo@" + LATE))));
            PeerComponent late = null;
            try {
                sendChat(lara, "echo@" + LATE, "before", "before");
                late = PeerComponent.start(LATE, OTHER_SECRET, "127.0.2.2", componentPort, dir);
                long connected = System.nanoTime();
                sendChat(lara, "echo@" + LATE, "as-it-connects", "as it connects");
                for (String body : new String[] {"before", "as it connects"}) {
                    Message got = inbox.nextResult(Federated.WAIT.toMillis());
                    PeerComponent c = late;
                    assertNotNull(got, "no echo of '" + body + "'\n" + c.output());
                    assertEquals(Message.Type.chat, got.getType(), got.toXML().toString());
                    assertEquals("echo: " + body, got.getBody(), got.toXML().toString());
                }
                System.out.printf("both held messages echoed %d ms after the component connected to node B%n",
                    (System.nanoTime() - connected) / 1_000_000);
            } finally {
                inbox.cancel();
                if (late != null) {
                    late.close();
                }
            }
        }, () -> a.login("lara", "pw-lara", "late"));
    }

    /**
     * For {@code idle.x.example}, whose component never connects, node A holds {@link #REGISTRATION_WAIT_MAX}
     * messages and bounces the ones beyond at once; those it held bounce with service-unavailable after
     * {@link #REGISTRATION_WAIT}, not before.
     */
    @Test
    void toADomainWhoseComponentNeverConnectsMessagesBeyondTheBoundBounceAtOnceAndTheOthersAfterTheWait()
            throws Exception {
        Federated.together(u -> {
            XMPPTCPConnection ivan = u[0];
            StanzaCollector errors = ivan.createStanzaCollector(new AndFilter(StanzaTypeFilter.MESSAGE,
                FromMatchesFilter.createBare(JidCreate.bareFrom("echo@" + IDLE))));
            try {
                int sent = REGISTRATION_WAIT_MAX + 2;
                long start = System.nanoTime();
                for (int i = 1; i <= sent; i++) {
                    sendChat(ivan, "echo@" + IDLE, "idle-" + i, "to nobody " + i);
                }
                Map<String, Long> bouncedAfter = new java.util.LinkedHashMap<>();
                for (int i = 0; i < sent; i++) {
                    Message m = errors.nextResult(REGISTRATION_WAIT.plus(Federated.WAIT).toMillis());
                    assertNotNull(m, "bounced so far: " + bouncedAfter);
                    assertEquals(Message.Type.error, m.getType(), m.toXML().toString());
                    assertEquals(StanzaError.Condition.service_unavailable, m.getError().getCondition(),
                        m.toXML().toString());
                    bouncedAfter.put(m.getStanzaId(), (System.nanoTime() - start) / 1_000_000);
                }
                System.out.println("bounced after (ms): " + bouncedAfter);
                for (int i = 1; i <= sent; i++) {
                    long ms = bouncedAfter.get("idle-" + i);
                    if (i <= REGISTRATION_WAIT_MAX) {
                        assertTrue(ms >= REGISTRATION_WAIT.toMillis(), "idle-" + i + " held, bounced after " + ms + " ms");
                    } else {
                        assertTrue(ms < REGISTRATION_WAIT.toMillis() / 2, "idle-" + i + " beyond the bound, bounced after "
                            + ms + " ms");
                    }
                }
            } finally {
                errors.cancel();
            }
        }, () -> a.login("ivan", "pw-ivan", "idle"));
    }

    static void sendChat(XMPPTCPConnection from, String to, String id, String body) throws Exception {
        from.sendStanza(StanzaBuilder.buildMessage(id).to(JidCreate.bareFrom(to)).ofType(Message.Type.chat)
            .setBody(body).build());
    }

    /** A component of {@code raw.x.example} on node B, its handshake (XEP-0114 §3) accepted. */
    static RawClient rawComponent() throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.2.4", 0));
        s.connect(new InetSocketAddress("127.0.2.2", componentPort), 5000);
        RawClient raw = RawClient.over(s);
        raw.send("<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='" + RAW + "'>");
        String header = raw.await(">", Duration.ofSeconds(20));
        while (!header.contains("stream:stream")) {
            header = raw.await(">", Duration.ofSeconds(20));
        }
        Matcher id = Pattern.compile("id=['\"]([^'\"]+)['\"]").matcher(header);
        assertTrue(id.find(), header);
        byte[] digest = MessageDigest.getInstance("SHA-1").digest((id.group(1) + RAW_SECRET).getBytes(StandardCharsets.UTF_8));
        raw.send("<handshake>" + HexFormat.of().formatHex(digest) + "</handshake>");
        raw.await("<handshake", Duration.ofSeconds(20));
        return raw;
    }
}
