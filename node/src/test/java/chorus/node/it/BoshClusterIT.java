package chorus.node.it;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BOSH in a cluster of two nodes behind a load balancer without stickiness: every request of a session goes to the
 * other node than the one before, and finds the node that holds the session. Smack's BOSH connection chats with TCP
 * clients of both nodes and joins a room; by hand, a request sent again to the other node gets the same response, and
 * a terminate through the node that does not hold the session ends it.
 */
class BoshClusterIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String D = TestNode.DOMAIN;
    static final String HOST_A = "127.0.0.41";
    static final String HOST_B = "127.0.0.42";
    static TestNode a;
    static TestNode b;
    static AlternatingProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        int clusterA = TestNode.freePort();
        TestClusterKeys keys = TestClusterKeys.create();
        a = TestNode.start(Map.of("chorus.bind", HOST_A, "chorus.cluster.host", HOST_A, "chorus.cluster.port", clusterA,
            "chorus.http.bosh.max-wait", "5s", "chorus.cluster.tls.dir", keys.node(1).toString()));
        b = TestNode.start(Map.of("chorus.bind", HOST_B, "chorus.cluster.host", HOST_B,
            "chorus.cluster.seed-nodes", HOST_A + ":" + clusterA, "chorus.cassandra.keyspace", a.keyspace(),
            "chorus.http.bosh.max-wait", "5s", "chorus.cluster.tls.dir", keys.node(2).toString()));
        MessagingIT.awaitTrue(() -> up(a) == 2 && up(b) == 2, "both nodes are Up members");
        for (String u : new String[] {"alice", "bob", "carol", "dave"}) {
            a.createUser(u, "pw-" + u);
        }
        // Each node learns the other's BOSH forwarder from the receptionist a moment after both are Up.
        MessagingIT.awaitTrue(() -> forwards(a, HOST_A, b, HOST_B) && forwards(b, HOST_B, a, HOST_A),
            "each node forwards to the other");
        // On localhost: Smack's BOSH connection wants a host name (it spoils an address in its URL).
        proxy = new AlternatingProxy("localhost", TestNode.freePort(), List.of(WebClients.http(a), WebClients.http(b)),
            List.of(base(a, HOST_A), base(b, HOST_B)));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    /** A session made on {@code home} is found through {@code other}. */
    static boolean forwards(TestNode home, String homeHost, TestNode other, String otherHost) throws Exception {
        HttpClient both = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(WebClients.anyName(new EitherTrust(Clients.trustManager(a.endpoint()),
                Clients.trustManager(b.endpoint())))).connectTimeout(Duration.ofSeconds(10)).build();
        BoshRawClient c = new BoshRawClient(both, base(home, homeHost).resolve("/http-bind"),
            base(other, otherHost).resolve("/http-bind"));
        c.create(D, 1, 1);
        return !c.request("type='terminate'", "").contains("item-not-found");
    }

    static long up(TestNode n) {
        return StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
    }

    static URI base(TestNode n, String host) {
        return URI.create("https://" + host + ":" + WebClients.httpPort(n) + "/");
    }

    static XMPPTCPConnection tcp(TestNode n, String host, String user) throws Exception {
        return Clients.login(new TestNode.Endpoint(host, n.c2sPort(), n.dataDir()), user, "pw-" + user, "desk");
    }

    static double boshSessions() {
        return WebSocketIT.sessionsOf(a, "bosh") + WebSocketIT.sessionsOf(b, "bosh");
    }

    @Test
    void aBoshClientWhoseRequestsAlternateBetweenNodesChatsAndJoinsARoom() throws Exception {
        URI url = proxy.url("/http-bind/");
        BOSHConfiguration cfg = BOSHConfiguration.builder().setUseHttps(false).setHost("localhost").setPort(url.getPort())
            .setFile(url.getPath()).setXmppDomain(D).setUsernameAndPassword("alice", "pw-alice").setResource("web")
            .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).build();
        XMPPBOSHConnection alice = new XMPPBOSHConnection(cfg);
        alice.setReplyTimeout(20_000);
        XMPPTCPConnection bob = tcp(b, HOST_B, "bob");
        XMPPTCPConnection carol = tcp(a, HOST_A, "carol");
        try {
            alice.connect().login();
            LinkedBlockingQueue<Message> aliceGot = BoshIT.inbox(alice);
            LinkedBlockingQueue<Message> bobGot = BoshIT.inbox(bob);
            LinkedBlockingQueue<Message> carolGot = BoshIT.inbox(carol);
            for (int i = 0; i < 5; i++) {
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@" + D))
                    .ofType(Message.Type.chat).setBody("to bob " + i).build());
                alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("carol@" + D))
                    .ofType(Message.Type.chat).setBody("to carol " + i).build());
                bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().to(JidCreate.from("alice@" + D + "/web"))
                    .ofType(Message.Type.chat).setBody("from bob " + i).build());
                carol.sendStanza(carol.getStanzaFactory().buildMessageStanza().to(JidCreate.from("alice@" + D + "/web"))
                    .ofType(Message.Type.chat).setBody("from carol " + i).build());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals("to bob " + i, next(bobGot).getBody());
                assertEquals("to carol " + i, next(carolGot).getBody());
            }
            List<String> got = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                got.add(next(aliceGot).getBody());
            }
            for (int i = 0; i < 5; i++) {
                assertTrue(got.contains("from bob " + i) && got.contains("from carol " + i), got.toString());
            }
            assertTrue(got.indexOf("from bob 0") < got.indexOf("from bob 4"), "in order: " + got);

            EntityBareJid room = JidCreate.entityBareFrom("hall@conference." + D);
            MultiUserChat asBob = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(room);
            asBob.create(Resourcepart.from("bob")).makeInstant();
            LinkedBlockingQueue<Message> inRoom = new LinkedBlockingQueue<>();
            asBob.addMessageListener(inRoom::add);
            MultiUserChat asAlice = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(room);
            asAlice.join(Resourcepart.from("alice"));
            asAlice.sendMessage("hello hall");
            assertEquals("hello hall", next(inRoom).getBody());

            assertTrue(proxy.served.get(0) >= 5 && proxy.served.get(1) >= 5,
                "requests went to both nodes: " + proxy.served);
            assertEquals(1.0, boshSessions(), "and one session lives on one of them");
        } finally {
            alice.disconnect();
            bob.disconnect();
            carol.disconnect();
        }
    }

    @Test
    void aRequestSentAgainOrATerminateThroughTheOtherNodeReachesTheSession() throws Exception {
        X509TrustManager ta = Clients.trustManager(a.endpoint());
        X509TrustManager tb = Clients.trustManager(b.endpoint());
        HttpClient both = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .sslContext(WebClients.anyName(new EitherTrust(ta, tb))).connectTimeout(Duration.ofSeconds(10)).build();
        URI toA = base(a, HOST_A).resolve("/http-bind");
        URI toB = base(b, HOST_B).resolve("/http-bind");
        BoshRawClient dave = new BoshRawClient(both, toA, toB).login(D, "dave", "pw-dave", "raw");
        XMPPTCPConnection bob = tcp(b, HOST_B, "bob");
        try {
            bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().to(JidCreate.from("dave@" + D + "/raw"))
                .ofType(Message.Type.chat).setBody("across the cluster").build());
            String r = dave.request("", "");
            while (!r.contains("across the cluster")) {
                r = dave.request("", "");
            }
            // The same request again, to the node the last one did not go to: the same response.
            BoshRawClient onA = new BoshRawClient(both, toA);
            BoshRawClient onB = new BoshRawClient(both, toB);
            onA.sid = dave.sid;
            onB.sid = dave.sid;
            assertEquals(r, onA.post(dave.body(dave.rid, "", "")));
            assertEquals(r, onB.post(dave.body(dave.rid, "", "")));

            String bye = dave.request("type='terminate'", "");
            assertTrue(bye.contains("type='terminate'") && !bye.contains("condition"), bye);
            assertTrue(onA.post(dave.body(dave.rid + 1, "", "")).contains("condition='item-not-found'"));
            assertTrue(onB.post(dave.body(dave.rid + 1, "", "")).contains("condition='item-not-found'"));
        } finally {
            bob.disconnect();
        }
    }

    static Message next(LinkedBlockingQueue<Message> q) throws InterruptedException {
        Message m = q.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(m, "nothing arrived");
        return m;
    }

    /** Trusts a certificate either node's trust store trusts. */
    record EitherTrust(X509TrustManager one, X509TrustManager other) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                one.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                other.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
