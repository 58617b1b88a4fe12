package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Caps on connections (issue 14): all of them, those not yet authenticated, and those from one address. Past
 * a cap a new connection gets a stream error and is closed; connections already in keep working. Client
 * addresses here are loopback addresses (127.0.0.x), one per simulated source.
 */
class ConnectionCapsIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    static AttackTarget node;
    static SSLContext tls;
    static long baseline;
    /** Two users who stay logged in through every attack, and must keep talking. */
    static XMPPTCPConnection alice;
    static XMPPTCPConnection bob;
    static final BlockingQueue<String> atBob = new ArrayBlockingQueue<>(100);
    final List<RawClient> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        List<String> users = new ArrayList<>(List.of("alice", "bob", "carol", "dave"));
        for (int i = 0; i < 24; i++) {
            users.add("u" + i);
        }
        node = AttackTarget.start("256m", Map.of("chorus.c2s.max-connections", "24", "chorus.c2s.max-unauthenticated", "8",
            "chorus.c2s.max-per-address", "6", "chorus.c2s.negotiation-timeout", "4s"), users.toArray(new String[0]));
        tls = node.tls();
        node.assertRealClientsWork("carol", "dave");
        baseline = node.heapAfterGc();
        alice = Clients.login(node.endpoint(), "alice", AttackTarget.PASSWORD, "stays");
        bob = Clients.login(node.endpoint(), "bob", AttackTarget.PASSWORD, "stays");
        bob.addSyncStanzaListener(s -> atBob.offer(((Message) s).getBody()), s -> s instanceof Message m && m.getBody() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (alice != null) {
            alice.disconnect();
            bob.disconnect();
        }
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void closeAttackersAndCheckTheNode() throws Exception {
        for (RawClient c : opened) {
            c.close();
        }
        opened.clear();
        Thread.sleep(500); // the node sees the closes
        aliceAndBobStillTalk();
        node.assertAlive();
        node.assertHeapNear(baseline, 32, "after the attack");
        node.assertRealClientsWork("carol", "dave");
    }

    static void aliceAndBobStillTalk() throws Exception {
        String body = "still here " + System.nanoTime();
        alice.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.from(bob.getUser())).ofType(Message.Type.chat).setBody(body).build());
        assertEquals(body, atBob.poll(15, TimeUnit.SECONDS));
    }

    /** Opens connections from several threads at once; returns them in order. */
    List<RawClient> openAtOnce(List<Callable<RawClient>> opens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RawClient>> fs = new ArrayList<>();
            for (Callable<RawClient> o : opens) {
                fs.add(pool.submit(o));
            }
            List<RawClient> out = new ArrayList<>();
            for (Future<RawClient> f : fs) {
                RawClient c = f.get(1, TimeUnit.MINUTES);
                opened.add(c);
                out.add(c);
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A stream opened and its features read: an unauthenticated connection that holds its place. */
    static RawClient unauthenticatedFrom(String address) throws Exception {
        RawClient c = RawClient.connectFrom(address, node.c2sPort);
        c.send(RawClient.header(TestNode.DOMAIN));
        c.await("</stream:features>", WAIT);
        return c;
    }

    static void assertRefused(RawClient c, String condition) throws Exception {
        String got = c.await("</stream:error>", WAIT);
        assertTrue(got.contains("<" + condition + " "), got);
        assertTrue(c.closedWithin(WAIT), "not closed");
    }

    @Test
    void pastTheUnauthenticatedCapANewConnectionIsRefusedWithResourceConstraint() throws Exception {
        List<Callable<RawClient>> opens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String from = "127.0.0." + (21 + i % 4);
            opens.add(() -> unauthenticatedFrom(from));
        }
        openAtOnce(opens);
        RawClient ninth = RawClient.connectFrom("127.0.0.25", node.c2sPort);
        opened.add(ninth);
        assertRefused(ninth, "resource-constraint");
        aliceAndBobStillTalk();
    }

    @Test
    void pastThePerAddressCapAConnectionFromThatAddressIsRefusedAndOthersAreNot() throws Exception {
        List<Callable<RawClient>> bound = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String user = "u" + i;
            bound.add(() -> RawClient.connectFrom("127.0.0.31", node.c2sPort)
                .bind(TestNode.DOMAIN, tls, user, AttackTarget.PASSWORD, "r" + System.nanoTime()));
        }
        openAtOnce(bound);
        RawClient seventh = RawClient.connectFrom("127.0.0.31", node.c2sPort);
        opened.add(seventh);
        assertRefused(seventh, "policy-violation");
        opened.add(unauthenticatedFrom("127.0.0.32"));
    }

    @Test
    void pastTheTotalCapANewConnectionIsRefusedOnBothPortsWhileTheOthersChat() throws Exception {
        // alice, bob and 22 bound sessions from five addresses: 24 connections.
        List<Callable<RawClient>> bound = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            String user = "u" + i;
            String from = "127.0.0." + (41 + i % 5);
            bound.add(() -> RawClient.connectFrom(from, node.c2sPort)
                .bind(TestNode.DOMAIN, tls, user, AttackTarget.PASSWORD, "r" + System.nanoTime()));
        }
        openAtOnce(bound);
        RawClient plain = RawClient.connectFrom("127.0.0.46", node.c2sPort);
        opened.add(plain);
        assertRefused(plain, "resource-constraint");
        // On the direct TLS port the refusal comes through TLS, after the handshake.
        RawClient direct = RawClient.connectTlsFrom("127.0.0.47", node.tlsPort, tls);
        opened.add(direct);
        assertRefused(direct, "resource-constraint");
        aliceAndBobStillTalk();
    }

    @Test
    void anUnauthenticatedConnectionIsClosedAfterTheNegotiationTimeoutAndFreesItsPlace() throws Exception {
        List<Callable<RawClient>> opens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String from = "127.0.0." + (51 + i % 4);
            opens.add(() -> unauthenticatedFrom(from));
        }
        List<RawClient> idle = openAtOnce(opens);
        for (RawClient c : idle) {
            String got = c.await("</stream:error>", Duration.ofSeconds(15));
            assertTrue(got.contains("connection-timeout"), got);
        }
        Thread.sleep(500);
        opened.add(unauthenticatedFrom("127.0.0.55"));
    }
}
