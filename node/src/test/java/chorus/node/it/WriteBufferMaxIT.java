package chorus.node.it;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chorus.c2s.write-buffer.max (issue 14), attacked: a roster of 800 long contacts is one answer of ~1.3 MB, larger
 * than the 1 MiB maximum. Clients of that account that ask for it ten times in one packet and never read are cut off
 * once a maximum's worth piled up behind the first answer, long before the connection timeout (2 min here), while a
 * real client of the same account reads the whole roster, several times, without being cut off: one element larger
 * than the maximum, written while its client keeps up, is not held against it (the CI failure of 2026-12-07, where a
 * 4 MB roster ended a slow Smack reader's stream).
 */
class WriteBufferMaxIT {
    static final int CONTACTS = 800;
    static final int VICTIMS = 4;
    static AttackTarget node;
    static SSLContext tls;
    static long baseline;

    @BeforeAll
    static void start() throws Exception {
        node = AttackTarget.start("256m", Map.of("chorus.c2s.connection-timeout", "120s",
                "chorus.c2s.rate.stanzas-per-second", "0", "chorus.c2s.rate.bytes-per-second", "0"),
            "big", "alice", "bob");
        tls = node.tls();
        try (RawClient c = RawClient.connect(node.c2sPort).bind(TestNode.DOMAIN, tls, "big", AttackTarget.PASSWORD, "setup")) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < CONTACTS; i++) {
                batch.append("<iq type='set' id='s").append(i).append("'><query xmlns='jabber:iq:roster'><item jid='contact")
                    .append(i).append("@example.net' name='").append("n".repeat(900)).append("'>");
                for (int g = 0; g < 3; g++) {
                    batch.append("<group>group ").append(g).append(' ').append("g".repeat(200)).append("</group>");
                }
                batch.append("</item></query></iq>");
                if (i % 50 == 49) {
                    c.send(batch.toString());
                    batch.setLength(0);
                    c.await("id=\"s" + i + "\"", Duration.ofSeconds(30));
                }
            }
        }
        node.assertRealClientsWork("alice", "bob");
        baseline = node.heapAfterGc();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void clientsThatPileUpMoreThanTheMaximumAreCutOffAndOneThatReadsALargeRosterIsNot() throws Exception {
        String gets = "<iq type='get' id='g'><query xmlns='jabber:iq:roster'/></iq>".repeat(10);
        List<RawClient> victims = new ArrayList<>();
        try {
            for (int i = 0; i < VICTIMS; i++) {
                victims.add(RawClient.connect(node.c2sPort, 4096).bind(TestNode.DOMAIN, tls, "big", AttackTarget.PASSWORD, "v" + i));
            }
            long t0 = System.nanoTime();
            List<Callable<String>> all = new ArrayList<>();
            for (RawClient v : victims) {
                all.add(() -> {
                    v.send(gets);
                    return "asked";
                });
            }
            for (int r = 0; r < 3; r++) {
                int round = r;
                all.add(() -> {
                    XMPPTCPConnection reader = new XMPPTCPConnection(Clients.config(node.endpoint(), "big", AttackTarget.PASSWORD)
                        .setResource("reader" + round).build());
                    Roster.getInstanceFor(reader).setRosterLoadedAtLogin(false);
                    reader.setReplyTimeout(60_000);
                    reader.connect().login();
                    try {
                        long start = System.nanoTime();
                        RosterPacket get = new RosterPacket();
                        get.setType(IQ.Type.get);
                        RosterPacket result = reader.createStanzaCollectorAndSend(get).nextResultOrThrow(60_000);
                        return result.getRosterItemCount() + " items in " + (System.nanoTime() - start) / 1_000_000 + " ms, "
                            + result.toXML().length() + " characters";
                    } finally {
                        reader.disconnect();
                    }
                });
            }
            List<String> outcomes = SessionAttacks.atOnce(all);
            System.out.println("write-buffer max: " + outcomes);
            for (int r = 0; r < 3; r++) {
                String o = outcomes.get(VICTIMS + r);
                assertTrue(o.startsWith(CONTACTS + " items"), o);
                assertTrue(Long.parseLong(o.substring(o.lastIndexOf(", ") + 2, o.indexOf(" characters"))) > (1 << 20), o);
            }
            // The victims have not read a byte since they asked: only the maximum can have ended their streams.
            Thread.sleep(5000);
            for (int i = 0; i < VICTIMS; i++) {
                assertTrue(victims.get(i).closedWithin(Duration.ofSeconds(30)), "victim " + i + " is still connected");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("write-buffer max: %d clients that did not read were cut off within %d ms%n", VICTIMS, ms);
            assertTrue(ms < 60_000, "cut off by the connection timeout, not by the maximum: " + ms + " ms");
        } finally {
            for (RawClient v : victims) {
                v.close();
            }
        }
        node.assertAlive();
        node.assertHeapNear(baseline, 32, "after the victims were cut off");
        node.assertRealClientsWork("alice", "bob");
    }
}
