package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * A BOSH request that reaches a node the moment it has joined the cluster, before it has learnt the other nodes'
 * forwarders, waits for the session's node (chorus.http.bosh.peer-wait) instead of getting item-not-found: the stanza
 * it carries is delivered, and a terminate sent through the new node ends the session. The wait is 20 s here (a busy
 * machine joins slowly); {@code -Dchorus.it.bosh-peer-wait=0s} runs the same test without the wait, to see it fail.
 * The wait is bounded: requests for a node no one knows (made-up sids) wait at most peer-wait, and past
 * peer-wait-max-requests they are answered at once.
 */
class BoshJoiningNodeIT {
    static final String D = TestNode.DOMAIN;
    static final String HOST_A = "127.0.4.21";
    static final String HOST_B = "127.0.4.22";
    TestNode a;
    TestNode b;

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aRequestReachingANodeThatHasJustJoinedWaitsForTheSessionsNodeInsteadOfItemNotFound() throws Exception {
        String peerWait = System.getProperty("chorus.it.bosh-peer-wait", "20s");
        int clusterA = TestNode.freePort();
        TestClusterKeys keys = TestClusterKeys.create();
        a = TestNode.start(Map.of("chorus.bind", HOST_A, "chorus.cluster.host", HOST_A, "chorus.cluster.port", clusterA,
            "chorus.http.bosh.max-wait", "5s", "chorus.http.bosh.peer-wait", peerWait,
            "chorus.cluster.tls.dir", keys.node(1).toString()));
        a.createUser("erin", "pw-erin");
        a.createUser("frank", "pw-frank");
        URI toA = BoshClusterIT.base(a, HOST_A).resolve("/http-bind");
        BoshRawClient erin = new BoshRawClient(WebClients.http(a), toA).login(D, "erin", "pw-erin", "web");
        XMPPTCPConnection frank = Clients.login(new TestNode.Endpoint(HOST_A, a.c2sPort(), a.dataDir()), "frank",
            "pw-frank", "desk");
        try {
            LinkedBlockingQueue<Message> frankGot = BoshIT.inbox(frank);

            b = TestNode.start(Map.of("chorus.bind", HOST_B, "chorus.cluster.host", HOST_B,
                "chorus.cluster.seed-nodes", HOST_A + ":" + clusterA, "chorus.cassandra.keyspace", a.keyspace(),
                "chorus.http.bosh.max-wait", "5s", "chorus.http.bosh.peer-wait", peerWait,
                "chorus.cluster.tls.dir", keys.node(2).toString()));
            // At once, before anything waits for the cluster: the new node may not know node A's forwarder yet.
            BoshRawClient viaB = new BoshRawClient(WebClients.http(b), BoshClusterIT.base(b, HOST_B).resolve("/http-bind"));
            viaB.sid = erin.sid;
            CompletableFuture<String> sent = viaB.postAsync(erin.body(++erin.rid, "",
                "<message xmlns='jabber:client' to='frank@" + D + "' type='chat'><body>through the new node</body></message>"));
            String answer = sent.get(60, TimeUnit.SECONDS);
            assertFalse(answer.contains("item-not-found"), answer);
            Message m = frankGot.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "the stanza the request carried was delivered");
            assertEquals("through the new node", m.getBody());

            String bye = viaB.post(erin.body(++erin.rid, "type='terminate'", ""));
            assertTrue(bye.contains("type='terminate'") && !bye.contains("condition"), bye);
        } finally {
            frank.disconnect();
        }
    }

    @Test
    void requestsForANodeNoOneKnowsWaitAtMostPeerWaitAndPastTheBoundAreAnsweredAtOnce() throws Exception {
        a = TestNode.start(Map.of("chorus.bind", HOST_A, "chorus.http.bosh.peer-wait", "5s",
            "chorus.http.bosh.peer-wait-max-requests", 2));
        URI toA = BoshClusterIT.base(a, HOST_A).resolve("/http-bind");
        HttpClient http = WebClients.http(a);
        // A tag no node has (tags are hex digits), from six connections at once: two wait, four are answered now.
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            BoshRawClient c = new BoshRawClient(http, toA);
            c.sid = "zzzzzzzz" + "0123456789abcdef0123456789abcdef".substring(i) + i;
            answers.add(c.postAsync(c.body(c.rid, "", "")).thenApply(r -> {
                assertTrue(r.contains("condition='item-not-found'"), r);
                return Duration.ofNanos(System.nanoTime() - start).toMillis();
            }));
        }
        List<Long> ms = new ArrayList<>();
        for (CompletableFuture<Long> f : answers) {
            ms.add(f.get(60, TimeUnit.SECONDS));
        }
        Collections.sort(ms);
        assertTrue(ms.get(3) < 4_000, "four answered without waiting: " + ms);
        assertTrue(ms.get(4) >= 4_500 && ms.get(5) < 30_000, "two waited the 5 s, no longer than a moment more: " + ms);
        // and the node still serves BOSH
        a.createUser("gina", "pw-gina");
        new BoshRawClient(http, toA).login(D, "gina", "pw-gina", "web");
    }
}
