package chorus.node.it;

import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0280 Message Carbons with Smack's CarbonManager, on a cluster of two nodes (in this JVM, one keyspace): Juliet
 * has a device on each node, Romeo is the third party. The account's entity lives on one of the nodes, so copies
 * cross the cluster to at least one of the devices.
 */
class CarbonsIT {
    static TestNode one;
    static TestNode two;

    @BeforeAll
    static void startCluster() throws Exception {
        int seed = TestNode.freePort();
        String keyspace = TestCassandra.newKeyspace();
        TestClusterKeys keys = TestClusterKeys.create();
        one = TestNode.start(Map.of("chorus.cluster.port", seed, "chorus.cluster.seed-nodes", "127.0.0.1:" + seed,
            "chorus.cassandra.keyspace", keyspace, "chorus.cluster.tls.dir", keys.node(1).toString()));
        two = TestNode.start(Map.of("chorus.cluster.seed-nodes", "127.0.0.1:" + seed,
            "chorus.cassandra.keyspace", keyspace, "chorus.cluster.tls.dir", keys.node(2).toString()));
        // Joining takes a few seconds, more on a busy machine.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
        while (upMembers(one) < 2 || upMembers(two) < 2) {
            assertTrue(System.nanoTime() < deadline, "two members up");
            Thread.sleep(200);
        }
        one.createUser("juliet", "pw-juliet");
        one.createUser("romeo", "pw-romeo");
    }

    @AfterAll
    static void stopCluster() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    static long upMembers(TestNode node) {
        Iterable<Member> members = Cluster.get(node.node().system()).state().getMembers();
        return StreamSupport.stream(members.spliterator(), false).filter(m -> m.status() == MemberStatus.up()).count();
    }

    /** A device of a user, and every message it got, in order (a synchronous listener keeps the order). */
    record Device(XMPPTCPConnection connection, List<Message> got) {
        static Device login(TestNode node, String user, String resource) throws Exception {
            XMPPTCPConnection c = Clients.login(node, user, "pw-" + user, resource);
            List<Message> got = new CopyOnWriteArrayList<>();
            c.addSyncStanzaListener(s -> got.add((Message) s), StanzaTypeFilter.MESSAGE);
            return new Device(c, got);
        }

        void send(String to, String id, String body) throws Exception {
            send(StanzaBuilder.buildMessage(id).to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
        }

        void send(Message m) throws Exception {
            connection.sendStanza(m);
        }

        /** Waits for the message with this id, a copy or not; returns all got until then, and forgets them. */
        List<Message> until(String id) throws Exception {
            MessagingIT.awaitTrue(() -> got.stream().anyMatch(m -> id.equals(idOf(m))), connection.getUser() + " gets " + id);
            List<Message> upTo = new java.util.ArrayList<>();
            while (true) {
                Message m = got.remove(0);
                upTo.add(m);
                if (id.equals(idOf(m))) {
                    return upTo;
                }
            }
        }

        void close() {
            connection.disconnect();
        }
    }

    /** The id of a message, or of the message a carbon copy carries. */
    static String idOf(Message m) {
        CarbonExtension c = CarbonExtension.from(m);
        return c == null ? m.getStanzaId() : c.getForwarded().getForwardedStanza().getStanzaId();
    }

    /** "received ID", "sent ID" for a copy, "ID" for a message. */
    static String describe(Message m) {
        CarbonExtension c = CarbonExtension.from(m);
        if (c == null) {
            return m.getStanzaId();
        }
        assertEquals(JidCreate.entityBareFromOrThrowUnchecked("juliet@chorus.test"), m.getFrom(),
            "a copy comes from the account's bare JID");
        return c.getDirection() + " " + idOf(m);
    }

    static List<String> describe(List<Message> ms) {
        return ms.stream().map(CarbonsIT::describe).toList();
    }

    @Test
    void everyNodeAnnouncesCarbons() throws Exception {
        for (TestNode node : List.of(one, two)) {
            XMPPTCPConnection c = Clients.login(node, "romeo", "pw-romeo", "disco");
            try {
                assertTrue(CarbonManager.getInstanceFor(c).isSupportedByServer(), "urn:xmpp:carbons:2 in disco#info");
            } finally {
                c.disconnect();
            }
        }
    }

    @Test
    void twoDevicesOnTwoNodesSeeBothSidesOfTheConversation() throws Exception {
        Device balcony = Device.login(one, "juliet", "balcony");
        Device garden = Device.login(two, "juliet", "garden");
        Device romeo = Device.login(two, "romeo", "orchard");
        try {
            CarbonManager.getInstanceFor(balcony.connection()).enableCarbons();
            CarbonManager gardenCarbons = CarbonManager.getInstanceFor(garden.connection());
            gardenCarbons.enableCarbons();
            List<String> viaListener = new CopyOnWriteArrayList<>();
            gardenCarbons.addCarbonCopyReceivedListener((direction, copy, wrapper) ->
                viaListener.add(direction + " " + copy.getStanzaId()));

            // §7: a message to one device; the other gets a received copy.
            romeo.send("juliet@chorus.test/balcony", "r1", "Juliet, art thou there?");
            assertEquals(List.of("r1"), describe(balcony.until("r1")));
            List<Message> copies = garden.until("r1");
            assertEquals(List.of("received r1"), describe(copies));
            Message forwarded = (Message) CarbonExtension.from(copies.get(0)).getForwarded().getForwardedStanza();
            assertEquals("Juliet, art thou there?", forwarded.getBody());
            assertEquals(JidCreate.from("juliet@chorus.test/balcony"), forwarded.getTo());

            // §8: what one device sends, the other sees as sent.
            garden.send("romeo@chorus.test", "g1", "Here, in the garden.");
            assertEquals(List.of("g1"), describe(romeo.until("g1")));
            List<Message> sent = balcony.until("g1");
            assertEquals(List.of("sent g1"), describe(sent));
            Jid to = CarbonExtension.from(sent.get(0)).getForwarded().getForwardedStanza().getTo();
            assertEquals(JidCreate.from("romeo@chorus.test"), to);
            MessagingIT.awaitTrue(() -> viaListener.contains("received r1"), "Smack's CarbonManager saw the copy");

            // §9: a private message is not copied (the next copy is of the message after it).
            Message secret = StanzaBuilder.buildMessage("p1").to(JidCreate.from("romeo@chorus.test"))
                .ofType(Message.Type.chat).setBody("not for the balcony").build();
            CarbonManager.disableCarbons(secret);
            garden.send(secret);
            garden.send("romeo@chorus.test", "g2", "and this one is");
            assertEquals(List.of("sent g2"), describe(balcony.until("g2")));

            // §7: to the bare JID, both devices (same priority) get the message itself and no copy.
            romeo.send("juliet@chorus.test", "b1", "to both of you");
            assertEquals(List.of("b1"), describe(balcony.until("b1")));
            assertEquals(List.of("b1"), describe(garden.until("b1")));
            romeo.send("juliet@chorus.test/balcony", "r2", "only the balcony");
            assertEquals(List.of("received r2"), describe(garden.until("r2")), "no copy of b1 came before");
            assertEquals(List.of("r2"), describe(balcony.until("r2")));

            // §5: a device that disables carbons gets no more copies.
            gardenCarbons.disableCarbons();
            romeo.send("juliet@chorus.test/balcony", "r3", "the balcony again");
            romeo.send("juliet@chorus.test/garden", "r4", "the garden");
            assertEquals(List.of("r4"), describe(garden.until("r4")), "no copy of r3 came before r4");
            assertEquals(List.of("r3"), describe(balcony.until("r3")));
        } finally {
            balcony.close();
            garden.close();
            romeo.close();
        }
    }
}
