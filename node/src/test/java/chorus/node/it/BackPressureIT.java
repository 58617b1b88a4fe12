package chorus.node.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that send thousands of requests and never read the answers (issue 14): the node stops reading from
 * each once what waits for it passes the write buffer's high mark, so its heap stays flat, and disconnects it
 * after chorus.c2s.connection-timeout — before authentication, after it, and with XEP-0198 — while other
 * users log in and exchange messages.
 */
class BackPressureIT {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final int REQUESTS = 200_000;
    static AttackTarget node;
    static SSLContext tls;
    static long baseline;

    @BeforeAll
    static void start() throws Exception {
        node = AttackTarget.start("256m", Map.of("chorus.c2s.connection-timeout", "5s", "chorus.registration.enabled", "true"),
            "alice", "bob", "m1", "m2", "m3", "m4");
        tls = node.tls();
        node.assertRealClientsWork("alice", "bob");
        baseline = node.heapAfterGc();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** A client that reads as little as it can: a small receive buffer, and no read once it starts flooding. */
    interface Attacker {
        RawClient open() throws Exception;

        String request(int i);
    }

    static Attacker bound(String user, boolean sm) {
        return new Attacker() {
            @Override
            public RawClient open() throws Exception {
                RawClient c = RawClient.connect(node.c2sPort, 4096).bind(TestNode.DOMAIN, tls, user, AttackTarget.PASSWORD, "flood");
                if (sm) {
                    c.send("<enable xmlns='urn:xmpp:sm:3'/>");
                    c.await("<enabled", Duration.ofSeconds(10));
                }
                return c;
            }

            @Override
            public String request(int i) {
                return "<iq type='get' id='d" + i + "' to='" + TestNode.DOMAIN + "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>";
            }
        };
    }

    /** Before authentication (after STARTTLS): the in-band registration form, asked for again and again. */
    static Attacker unauthenticated() {
        return new Attacker() {
            @Override
            public RawClient open() throws Exception {
                RawClient c = RawClient.connect(node.c2sPort, 4096).startTls(TestNode.DOMAIN, tls);
                c.send(RawClient.header(TestNode.DOMAIN));
                c.await("</stream:features>", Duration.ofSeconds(10));
                return c;
            }

            @Override
            public String request(int i) {
                return "<iq type='get' id='r" + i + "'><query xmlns='jabber:iq:register'/></iq>";
            }
        };
    }

    @Test
    void clientsThatDoNotReadStopBeingReadFromAndAreDisconnectedWhileOthersChat() throws Exception {
        List<Attacker> attackers = List.of(bound("m1", false), bound("m2", false), bound("m3", true), bound("m4", false),
            unauthenticated());
        List<RawClient> clients = new ArrayList<>();
        for (Attacker a : attackers) {
            clients.add(a.open());
        }
        ExecutorService flood = Executors.newFixedThreadPool(attackers.size());
        long[] sent = new long[attackers.size()];
        try {
            for (int k = 0; k < attackers.size(); k++) {
                int index = k;
                flood.submit(() -> {
                    StringBuilder batch = new StringBuilder();
                    try {
                        for (int i = 0; i < REQUESTS; i++) {
                            batch.append(attackers.get(index).request(i));
                            if (batch.length() > 4096) {
                                clients.get(index).send(batch.toString().getBytes(StandardCharsets.UTF_8));
                                sent[index] += batch.length();
                                batch.setLength(0);
                            }
                        }
                    } catch (IOException closed) {
                        // the node disconnected it: what the test waits for
                    }
                    return null;
                });
            }
            Thread.sleep(3000);
            // During the attack: the node holds little for the clients that do not read, and serves others.
            long during = node.assertHeapNear(baseline, 48, "during the flood");
            node.assertRealClientsWork("alice", "bob");
            System.out.println("back-pressure: heap during the flood " + during / 1048576 + " MiB, baseline " + baseline / 1048576 + " MiB");

            // After the connection timeout each attacker is disconnected; reading now finds the end.
            Thread.sleep(TIMEOUT.toMillis() + 2000);
            for (int k = 0; k < clients.size(); k++) {
                assertTrue(clients.get(k).closedWithin(Duration.ofSeconds(30)), "attacker " + k + " is still connected");
                System.out.println("attacker " + k + " sent " + sent[k] + " bytes of requests before it was cut off");
            }
            // The node stopped reading: the clients could not even write all their requests into the socket.
            long all = (long) REQUESTS * attackers.get(0).request(REQUESTS / 2).length();
            assertTrue(sent[0] < all && sent[1] < all && sent[3] < all, "the node read every request");
        } finally {
            flood.shutdownNow();
            for (RawClient c : clients) {
                c.close();
            }
        }
        node.assertAlive();
        node.assertHeapNear(baseline, 32, "after the flood");
        node.assertRealClientsWork("alice", "bob");
    }
}
