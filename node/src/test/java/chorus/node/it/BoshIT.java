package chorus.node.it;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0124/0206 against a real node over real sockets: Smack's BOSH connection (jbosh) chats with a Smack TCP client
 * and joins a room; by hand, the protocol's rules (the session's terms, request ids and retransmission, the window,
 * pause, terminate, bad bodies); and a session that times out loses nothing: what it was never sent is stored offline.
 * The node serves plain HTTP here, as behind a proxy that terminates TLS (BOSH over HTTPS is in {@code WebClientIT}
 * and {@code BoshClusterIT}).
 */
class BoshIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String D = TestNode.DOMAIN;
    static TestNode node;
    static URI url;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.http.tls", "off", "chorus.http.bind", "127.0.0.1",
            "chorus.http.bosh.max-wait", "3s", "chorus.http.bosh.inactivity", "5s", "chorus.http.bosh.max-pause", "30s"));
        for (String u : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            node.createUser(u, "pw-" + u);
        }
        url = URI.create("http://127.0.0.1:" + WebClients.httpPort(node) + "/http-bind");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static XMPPBOSHConnection bosh(String user, String resource) throws Exception {
        BOSHConfiguration cfg = BOSHConfiguration.builder()
            .setUseHttps(false)
            // A name, not an address: Smack 4.4.8 writes an address host into its URL as "http:///127.0.0.1".
            .setHost("localhost")
            .setPort(WebClients.httpPort(node))
            .setFile("/http-bind/")
            .setXmppDomain(D)
            .setUsernameAndPassword(user, "pw-" + user)
            .setResource(resource)
            .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
            .build();
        XMPPBOSHConnection c = new XMPPBOSHConnection(cfg);
        c.setReplyTimeout(20_000);
        c.connect().login();
        return c;
    }

    static LinkedBlockingQueue<Message> inbox(org.jivesoftware.smack.XMPPConnection c) {
        LinkedBlockingQueue<Message> q = new LinkedBlockingQueue<>();
        c.addAsyncStanzaListener(s -> q.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        return q;
    }

    @Test
    void smacksBoshConnectionChatsWithATcpClientAndJoinsARoom() throws Exception {
        XMPPBOSHConnection alice = bosh("alice", "web");
        XMPPTCPConnection bob = Clients.login(node, "bob", "pw-bob", "desk");
        try {
            assertTrue(alice.isAuthenticated());
            LinkedBlockingQueue<Message> aliceGot = inbox(alice);
            LinkedBlockingQueue<Message> bobGot = inbox(bob);
            alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(JidCreate.from("bob@" + D))
                .ofType(Message.Type.chat).setBody("hello from BOSH").build());
            Message m = bobGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m, "bob got nothing");
            assertEquals("hello from BOSH", m.getBody());
            assertEquals("alice@" + D + "/web", m.getFrom().toString());
            bob.sendStanza(bob.getStanzaFactory().buildMessageStanza().to(JidCreate.from("alice@" + D + "/web"))
                .ofType(Message.Type.chat).setBody("hello from TCP").build());
            Message back = aliceGot.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(back, "alice got nothing over BOSH");
            assertEquals("hello from TCP", back.getBody());

            EntityBareJid room = JidCreate.entityBareFrom("lobby@conference." + D);
            MultiUserChat asBob = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(room);
            asBob.create(Resourcepart.from("bob")).makeInstant();
            MultiUserChat asAlice = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(room);
            asAlice.join(Resourcepart.from("alice"));
            LinkedBlockingQueue<Message> inRoom = new LinkedBlockingQueue<>();
            asBob.addMessageListener(inRoom::add);
            asAlice.sendMessage("a groupchat message over BOSH");
            Message g = inRoom.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(g, "the room got nothing");
            assertEquals("a groupchat message over BOSH", g.getBody());
            assertEquals("lobby@conference." + D + "/alice", g.getFrom().toString());
            asAlice.leave();
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void theSessionsTermsRequestIdsAndRetransmissionFollowXep0124() throws Exception {
        BoshRawClient c = new BoshRawClient(BoshRawClient.plainHttp(), url);
        String created = c.create(D, 600, 5);
        assertTrue(created.contains("wait='3'"), "the wait is cut to max-wait: " + created);
        assertTrue(created.contains("hold='1'") && created.contains("requests='2'"), created);
        assertTrue(created.contains("inactivity='5'") && created.contains("maxpause='30'") && created.contains("ver='1.11'"),
            created);
        assertTrue(created.contains("xmpp:version='1.0'") && created.contains("authid='") && created.contains("from='" + D + "'"),
            created);
        assertTrue(created.contains("<stream:features") && created.contains("mechanisms"), "the features come along: " + created);

        // An empty request is held until its wait is over.
        long t0 = System.nanoTime();
        String empty = c.request("", "");
        long held = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(held >= 2500, "held " + held + " ms");
        assertEquals("<body xmlns='" + BoshRawClient.NS + "' xmlns:stream='http://etherx.jabber.org/streams' "
            + "xmlns:xmpp='urn:xmpp:xbosh'/>", empty);

        // §14.3: the same request again gets the same response, at once.
        String again = c.post(c.body(c.rid, "", ""));
        assertEquals(empty, again);

        // Two requests at once: the older is answered as soon as the newer arrives (hold is 1).
        CompletableFuture<String> first = c.postAsync(c.body(++c.rid, "", ""));
        Thread.sleep(300);
        CompletableFuture<String> second = c.postAsync(c.body(++c.rid, "", ""));
        assertTrue(first.get(2, TimeUnit.SECONDS).startsWith("<body"), "answered before its wait");
        second.get(10, TimeUnit.SECONDS);

        // §11: a pause is answered at once; one longer than maxpause ends the session.
        t0 = System.nanoTime();
        c.request("pause='10'", "");
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 2000, "a pause request is answered at once");
        c.request("", "");

        // §14.2: a rid past the window ends the session, and its id is unknown from then on.
        String far = c.post(c.body(c.rid + 10, "", ""));
        assertTrue(far.contains("type='terminate'") && far.contains("condition='item-not-found'"), far);
        String gone = c.post(c.body(c.rid + 1, "", ""));
        assertTrue(gone.contains("condition='item-not-found'"), gone);
        BoshRawClient other = new BoshRawClient(BoshRawClient.plainHttp(), url);
        other.sid = c.sid.substring(0, 8) + "0".repeat(32);
        assertEquals(gone, other.post(other.body(c.rid, "", "")), "an unknown session answers alike");

        BoshRawClient p = new BoshRawClient(BoshRawClient.plainHttp(), url);
        p.create(D, 3, 1);
        String tooLong = p.request("pause='3600'", "");
        assertTrue(tooLong.contains("condition='policy-violation'"), tooLong);
    }

    @Test
    void badBodiesAreRefusedAndATerminatedSessionIsGone() throws Exception {
        BoshRawClient c = new BoshRawClient(BoshRawClient.plainHttp(), url);
        for (String bad : List.of("<body xmlns='" + BoshRawClient.NS + "' rid='1'", "<html/>",
            "<!DOCTYPE body><body xmlns='" + BoshRawClient.NS + "' rid='1'/>", "<body xmlns='" + BoshRawClient.NS + "'/>")) {
            String r = c.post(bad);
            assertTrue(r.contains("type='terminate'") && r.contains("condition='bad-request'"), bad + " -> " + r);
        }
        HttpResponse<String> huge = BoshRawClient.plainHttp().send(HttpRequest.newBuilder(url)
            .POST(HttpRequest.BodyPublishers.ofString("<body xmlns='" + BoshRawClient.NS + "' rid='1'>" + "x".repeat(400_000)
                + "</body>")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, huge.statusCode());
        HttpResponse<String> get = BoshRawClient.plainHttp().send(HttpRequest.newBuilder(url).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());

        BoshRawClient t = new BoshRawClient(BoshRawClient.plainHttp(), url).login(D, "erin", "pw-erin", "short");
        String bye = t.request("type='terminate'", "<presence xmlns='jabber:client' type='unavailable'/>");
        assertTrue(bye.contains("type='terminate'") && !bye.contains("condition="), bye);
        assertTrue(t.request("", "").contains("condition='item-not-found'"), "the session is gone");
    }

    /**
     * A BOSH client that stops making requests (its browser tab was closed) is gone after the inactivity period: a
     * message that arrived for it in between was never sent, and it waits offline like one for a dropped TCP client.
     */
    @Test
    void aSessionThatTimesOutLosesNothing() throws Exception {
        XMPPTCPConnection dave = Clients.login(node, "dave", "pw-dave", "desk");
        try {
            BoshRawClient carol = new BoshRawClient(BoshRawClient.plainHttp(), url).login(D, "carol", "pw-carol", "tab");
            String r = carol.request("", "<presence xmlns='jabber:client'/>");
            double before = WebSocketIT.sessionsOf(node, "bosh");
            assertTrue(before >= 1, "the BOSH session counted");
            // The last request is held for max-wait (3 s) and answered empty; then carol makes no more.
            carol.request("", "");
            dave.sendStanza(dave.getStanzaFactory().buildMessageStanza().to(JidCreate.from("carol@" + D))
                .ofType(Message.Type.chat).setBody("are you still there?").build());
            MessagingIT.awaitTrue(() -> WebSocketIT.sessionsOf(node, "bosh") == before - 1,
                "the session ended after its inactivity period");
            Thread.sleep(500);
            XMPPTCPConnection back = new XMPPTCPConnection(Clients.config(node, "carol", "pw-carol").setResource("phone")
                .build());
            LinkedBlockingQueue<Message> got = inbox(back);
            back.connect().login();
            try {
                Message m = got.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(m, "the message was lost");
                assertEquals("are you still there?", m.getBody());
                assertNotNull(m.getExtension(DelayInformation.class), "it waited offline: " + m.toXML());
            } finally {
                back.disconnect();
            }
            assertFalse(r.isEmpty());
        } finally {
            dave.disconnect();
        }
    }
}
