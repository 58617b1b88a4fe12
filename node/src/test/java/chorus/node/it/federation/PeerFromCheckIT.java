package chorus.node.it.federation;

import chorus.node.it.FederatedNode;
import chorus.node.it.peers.S2sProbe;
import chorus.node.tls.S2sTlsContexts;
import chorus.node.tls.TestCa;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer server may only speak for the domains its stream authenticated (RFC 6120 §8.1.2.1, §13.6): a hand-typed
 * server stream over a real socket, authenticated with SASL EXTERNAL (XEP-0178) as {@code peer.example} with a
 * certificate of a CA the node trusts, delivers a message from its own domain, and ends with {@code <invalid-from/>}
 * when it sends one from another domain; a stream that sends a stanza before authenticating ends with
 * {@code <not-authorized/>}. Several such streams at once; the node's own client sees only the honest message and
 * stays connected. The node's limits on incoming streams hold against real connections: one over
 * {@code max-incoming-streams} is refused with resource-constraint, and a stream that does not authenticate within
 * {@code negotiation-timeout} ends with connection-timeout.
 */
class PeerFromCheckIT {
    static final int MAX_STREAMS = 4;
    static Path dir;
    static FederatedNode a;
    static S2sTlsContexts peerTls;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("chorus-from-check-");
        TestCa ca = TestCa.create("From-check test CA");
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        FederatedNode.Options oa = new FederatedNode.Options("a.example", "127.0.0.1");
        oa.certificate(TestCa.writeIdentity(ca.issue(TestCa.Names.dns("a.example")), dir, "a")).trust(caFile)
            .set("chorus.s2s.max-incoming-streams", MAX_STREAMS)
            .set("chorus.s2s.negotiation-timeout", "6s");
        a = FederatedNode.start(oa);
        a.createUser("alice", "pw-alice");
        peerTls = S2sTlsContexts.create(ca.issue(TestCa.Names.dns("peer.example")));
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
    }

    /** A stream from peer.example, through STARTTLS and SASL EXTERNAL, ready for stanzas. */
    static S2sProbe authenticated() throws Exception {
        S2sProbe probe = S2sProbe.connect(new InetSocketAddress("127.0.0.1", a.s2sPort), "peer.example", "a.example");
        String features = probe.openStream();
        assertTrue(features.contains("starttls"), "no STARTTLS offered: " + features);
        probe.startTls(peerTls);
        String secured = probe.openStream();
        assertTrue(secured.contains("EXTERNAL"), "no SASL EXTERNAL for a valid certificate: " + secured);
        String answer = probe.authenticateExternal();
        assertTrue(answer.contains("<success"), "EXTERNAL refused: " + answer);
        probe.openStream("<stream:features");
        return probe;
    }

    static String message(String from, String id, String body) {
        return "<message xmlns='jabber:server' type='chat' from='" + from + "' to='alice@a.example' id='" + id + "'>"
            + "<body>" + body + "</body></message>";
    }

    @Test
    void aPeerSendingFromADomainItDidNotAuthenticateGetsInvalidFromAndNothingArrives() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "from-check");
        StanzaCollector inbox = alice.createStanzaCollector(StanzaTypeFilter.MESSAGE);
        List<S2sProbe> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                peers.add(authenticated());
            }
            peers.get(0).send(message("romeo@peer.example/r", "honest", "from the authenticated domain"));
            Message honest = inbox.nextResult(Federated.WAIT.toMillis());
            assertNotNull(honest, "the honest message did not arrive");
            assertEquals("from the authenticated domain", honest.getBody(), honest.toXML().toString());
            assertEquals("romeo@peer.example/r", honest.getFrom().toString());

            for (int i = 0; i < peers.size(); i++) {
                peers.get(i).send(message("mallory@forged" + i + ".example", "forged" + i, "forged " + i));
            }
            for (S2sProbe p : peers) {
                String error = p.await("<stream:error");
                assertTrue(error.contains("invalid-from"), "expected invalid-from, got: " + error);
                p.awaitClosed();
            }
            assertNull(inbox.nextResult(Duration.ofSeconds(2).toMillis()), "a forged message was delivered");
            assertTrue(alice.isConnected() && alice.isAuthenticated(), "the client suffered from the peers' errors");
        } finally {
            inbox.cancel();
            peers.forEach(S2sProbe::close);
            alice.disconnect();
        }
    }

    /**
     * Bad XML from authenticated peers, three streams at once: unbalanced tags get not-well-formed, an entity
     * declaration restricted-xml or not-well-formed, a stanza over {@code chorus.s2s.max-stanza-size} (256 KiB) policy-violation; an
     * honest peer's message still arrives and the local client keeps its stream.
     */
    @Test
    void badXmlFromPeersGetsItsStreamErrorAndNobodyElseNotices() throws Exception {
        XMPPTCPConnection alice = a.login("alice", "pw-alice", "bad-xml");
        StanzaCollector inbox = alice.createStanzaCollector(StanzaTypeFilter.MESSAGE);
        List<S2sProbe> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                peers.add(authenticated());
            }
            peers.get(0).send("<message xmlns='jabber:server' from='romeo@peer.example' to='alice@a.example'>"
                + "<body>unclosed</message>");
            peers.get(1).send("<!DOCTYPE lol [<!ENTITY lol 'lol'>]><message xmlns='jabber:server'"
                + " from='romeo@peer.example' to='alice@a.example'><body>&lol;</body></message>");
            S2sProbe big = peers.get(2);
            big.send("<message xmlns='jabber:server' from='romeo@peer.example' to='alice@a.example'><body>");
            String chunk = "x".repeat(64 * 1024);
            try {
                for (int i = 0; i < 6; i++) {
                    big.send(chunk);
                }
            } catch (Exception closedEarly) {
                // the server may close before the whole stanza is written
            }
            // A DOCTYPE inside the stream is not even well-formed XML; either refusal will do (RFC 6120 §11.1).
            String[][] expected = {{"not-well-formed"}, {"restricted-xml", "not-well-formed"}, {"policy-violation"}};
            for (int i = 0; i < expected.length; i++) {
                String error = peers.get(i).await("<stream:error");
                int stream = i;
                assertTrue(java.util.Arrays.stream(expected[i]).anyMatch(error::contains),
                    "stream " + stream + ": expected " + String.join(" or ", expected[i]) + ", got: " + error);
                peers.get(i).awaitClosed();
            }
            peers.get(3).send(message("romeo@peer.example/r", "after", "still served"));
            Message honest = inbox.nextResult(Federated.WAIT.toMillis());
            assertNotNull(honest, "the honest peer's message did not arrive");
            assertEquals("still served", honest.getBody());
            assertTrue(alice.isConnected() && alice.isAuthenticated(), "the client suffered from the peers' errors");
        } finally {
            inbox.cancel();
            peers.forEach(S2sProbe::close);
            alice.disconnect();
        }
    }

    @Test
    void aStanzaBeforeAuthenticationGetsNotAuthorized() throws Exception {
        try (S2sProbe probe = S2sProbe.connect(new InetSocketAddress("127.0.0.1", a.s2sPort), "peer.example", "a.example")) {
            probe.openStream();
            probe.startTls(peerTls);
            probe.openStream();
            probe.send(message("romeo@peer.example", "early", "too early"));
            String error = probe.await("<stream:error");
            assertTrue(error.contains("not-authorized"), "expected not-authorized, got: " + error);
            probe.awaitClosed();
        }
    }

    @Test
    void aStreamOverMaxIncomingStreamsIsRefusedWithResourceConstraint() throws Exception {
        List<S2sProbe> held = new ArrayList<>();
        try {
            S2sProbe refused = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // The streams of the other tests end asynchronously: open until one is refused, then count.
            while (refused == null && System.nanoTime() < deadline) {
                S2sProbe p = S2sProbe.connect(new InetSocketAddress("127.0.0.1", a.s2sPort), "peer.example", "a.example");
                p.offerStream(); // a refused stream may be closed before its header arrives
                String answer = p.awaitAny("<stream:features", "<stream:error");
                if (answer.contains("<stream:features")) {
                    held.add(p);
                } else {
                    refused = p;
                    String error = answer;
                    assertTrue(error.contains("resource-constraint"), "expected resource-constraint, got: " + error);
                    p.awaitClosed();
                    p.close();
                }
            }
            assertNotNull(refused, "no stream was refused with " + held.size() + " open");
            assertTrue(held.size() <= MAX_STREAMS, held.size() + " streams were taken, over the limit of " + MAX_STREAMS);
            assertTrue(held.stream().allMatch(S2sProbe::open), "a stream under the limit was closed");
        } finally {
            held.forEach(S2sProbe::close);
        }
    }

    @Test
    void aStreamThatDoesNotAuthenticateInTimeEndsWithConnectionTimeout() throws Exception {
        try (S2sProbe probe = S2sProbe.connect(new InetSocketAddress("127.0.0.1", a.s2sPort), "peer.example", "a.example")) {
            probe.openStream();
            probe.startTls(peerTls);
            probe.openStream();
            long t0 = System.nanoTime();
            String error = probe.await("<stream:error");
            assertTrue(error.contains("connection-timeout"), "expected connection-timeout, got: " + error);
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(1)) > 0, "ended too early");
            probe.awaitClosed();
        }
    }
}
