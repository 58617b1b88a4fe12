package chorus.node.it;

import com.datastax.oss.driver.api.core.CqlSession;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.xdata.form.FillableForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Room archives (XEP-0313 on rooms), room stanza-ids (XEP-0359) and moderation (XEP-0425) on a cluster of two nodes
 * and the dev Cassandra, with Smack's MultiUserChatManager and MamManager: occupants on both nodes, the archive under
 * the room's address in the message archive table (and in no other table), history for a newcomer read back from
 * the archive after the room's entity left memory, a moderator's retraction told to everyone and a tombstone in the
 * archive, and the limits (page size, messages per room, queries per minute, who may read) against several
 * connections at once. (A little past 400 lines: the four cases share one two-node cluster, whose start is the
 * slow part.)
 */
class MucArchiveIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SID = "urn:xmpp:sid:0";
    static TestNode one;
    static TestNode two;

    @BeforeAll
    static void startCluster() throws Exception {
        int seed = TestNode.freePort();
        String keyspace = TestCassandra.newKeyspace();
        TestClusterKeys keys = TestClusterKeys.create();
        Map<String, Object> common = Map.of(
            "chorus.cluster.seed-nodes", "127.0.0.1:" + seed,
            "chorus.cassandra.keyspace", keyspace,
            "chorus.mam.max-page-size", 10,
            "chorus.muc.archive.max-messages", 25,
            "chorus.muc.archive.queries-per-minute", 20,
            "chorus.muc.idle-timeout", "2s",
            "chorus.c2s.rate.stanzas-per-second", 0,
            "chorus.c2s.rate.bytes-per-second", 0);
        Map<String, Object> first = new java.util.HashMap<>(common);
        first.put("chorus.cluster.port", seed);
        first.put("chorus.cluster.tls.dir", keys.node(1).toString());
        one = TestNode.start(first);
        Map<String, Object> second = new java.util.HashMap<>(common);
        second.put("chorus.cluster.tls.dir", keys.node(2).toString());
        two = TestNode.start(second);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (CarbonsIT.upMembers(one) < 2 || CarbonsIT.upMembers(two) < 2) {
            assertTrue(System.nanoTime() < deadline, "two members up");
            Thread.sleep(200);
        }
        for (String u : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            one.createUser(u, "pw-" + u);
        }
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

    static void await(MessagingIT.Check check, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.ok()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(100);
        }
    }

    static XMPPTCPConnection login(TestNode node, String user, String resource) throws Exception {
        return Clients.login(node, user, "pw-" + user, resource);
    }

    /** An occupant: its room, and every groupchat message it got, in order. */
    record Occupant(XMPPTCPConnection connection, MultiUserChat room, List<Message> got) {
        static Occupant join(TestNode node, String user, EntityBareJid address) throws Exception {
            XMPPTCPConnection c = login(node, user, "r" + UUID.randomUUID().toString().substring(0, 6));
            MultiUserChat room = MultiUserChatManager.getInstanceFor(c).getMultiUserChat(address);
            List<Message> got = new CopyOnWriteArrayList<>();
            room.addMessageListener(m -> keep(got, m));
            room.join(Resourcepart.from(user));
            return new Occupant(c, room, got);
        }

        /** The owner makes the room persistent and archiving. */
        static Occupant create(TestNode node, String user, EntityBareJid address, boolean membersOnly) throws Exception {
            XMPPTCPConnection c = login(node, user, "owner");
            MultiUserChat room = MultiUserChatManager.getInstanceFor(c).getMultiUserChat(address);
            List<Message> got = new CopyOnWriteArrayList<>();
            room.addMessageListener(m -> keep(got, m));
            room.create(Resourcepart.from(user));
            FillableForm form = room.getConfigurationForm().getFillableForm();
            form.setAnswer("muc#roomconfig_persistentroom", true);
            form.setAnswer("muc#roomconfig_enablearchiving", true);
            if (membersOnly) {
                form.setAnswer("muc#roomconfig_membersonly", true);
            }
            room.sendConfigurationForm(form);
            return new Occupant(c, room, got);
        }

        /** Messages with a body, retractions and tombstones; not the subject every newcomer gets. */
        static void keep(List<Message> got, Message m) {
            if (m.getBody() != null || m.getExtensionElement("retract", "urn:xmpp:message-retract:1") != null
                || m.getExtensionElement("retracted", "urn:xmpp:message-retract:1") != null) {
                got.add(m);
            }
        }

        void say(String body) throws Exception {
            room.sendMessage(room.buildMessage().setBody(body).addExtension(StandardExtensionElement
                .builder("origin-id", SID).addAttribute("id", "origin-" + body.hashCode()).build()));
        }

        List<String> bodies() {
            return got.stream().map(Message::getBody).filter(b -> b != null).toList();
        }

        void leave() throws Exception {
            room.leave();
            connection.disconnect();
        }
    }

    /** The stanza-id the room put on a message: {by, id}. */
    static String[] stanzaId(Message m) {
        var e = m.getExtensionElement("stanza-id", SID);
        assertTrue(e != null, "a stanza-id on " + m.toXML());
        String xml = e.toXML().toString();
        return new String[] {attr(xml, "by"), attr(xml, "id")};
    }

    static String attr(String xml, String name) {
        Matcher m = Pattern.compile(" " + name + "=['\"]([^'\"]*)['\"]").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    static long archiveRows(CqlSession cql, TestNode node, EntityBareJid room) {
        return cql.execute("SELECT count(*) FROM " + node.keyspace() + ".message_archive WHERE owner = ?",
            room.toString()).one().getLong(0);
    }

    static List<String> archivedBodies(MultiUserChat room, int max) throws Exception {
        MamManager mam = MamManager.getInstanceFor(room);
        return mam.queryArchive(MamManager.MamQueryArgs.builder().setResultPageSizeTo(max).queryLastPage().build())
            .getMessages().stream().map(m -> m.getBody() == null ? "(no body)" : m.getBody()).toList();
    }

    /** Whether any node's sharding still holds the room's entity. */
    static boolean inMemory(EntityBareJid room) throws Exception {
        for (TestNode n : List.of(one, two)) {
            var system = n.node().system();
            ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(chorus.actors.muc.RoomEntity.KEY, replyTo),
                Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
            for (ShardRegion.ShardState s : state.getShards()) {
                if (s.getEntityIds().contains(room.toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void occupantsOnBothNodesGetTheRoomsStanzaIdsAndReadTheArchiveWithMamManager() throws Exception {
        EntityBareJid address = JidCreate.entityBareFrom("archive-a@conference.chorus.test");
        String marker = "ROOM-ARCHIVED-" + UUID.randomUUID();
        Occupant alice = Occupant.create(one, "alice", address, false);
        Occupant bob = Occupant.join(two, "bob", address);
        Occupant carol = Occupant.join(one, "carol", address);
        List<Occupant> all = List.of(alice, bob, carol);
        List<String> said = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            for (Occupant o : all) {
                String body = marker + " " + o.connection().getUser().getLocalpart() + " " + round;
                o.say(body);
                said.add(body);
                // Wait for the room's echo: the order of the archive is the order the room took them in.
                await(() -> o.bodies().contains(body), "the room echoes " + body);
            }
        }
        for (Occupant o : all) {
            await(() -> o.bodies().size() == 6, o.connection().getUser() + " got all six");
            assertEquals(said, o.bodies());
        }
        for (int i = 0; i < 6; i++) {
            String[] a = stanzaId(alice.got().get(i));
            assertEquals(address.toString(), a[0], "by the room");
            assertEquals(a[1], stanzaId(bob.got().get(i))[1], "one id for every copy, across nodes");
            assertEquals(a[1], stanzaId(carol.got().get(i))[1]);
            assertTrue(alice.got().get(i).getExtensionElement("origin-id", SID) != null, "origin-id kept");
        }

        assertTrue(MamManager.getInstanceFor(bob.room()).isSupported(), "the room advertises urn:xmpp:mam:2");
        assertEquals(said, archivedBodies(bob.room(), 10), "bob, on the other node, reads the archive");
        Occupant dave = Occupant.join(two, "dave", address);
        assertEquals(said.subList(2, 6), archivedBodies(dave.room(), 4), "a newcomer pages the last four");
        try (CqlSession cql = StorageIT.session(one)) {
            await(() -> archiveRows(cql, one, address) == 6, "six rows under the room's address");
            assertEquals(6, StorageIT.rowsOf(cql, one.keyspace(), marker),
                "the messages are in the archive table's six rows and nowhere else (not in the room's journal)");
        }
        for (Occupant o : List.of(alice, bob, carol, dave)) {
            o.leave();
        }
    }

    @Test
    void aNewcomerGetsTheHistoryFromTheArchiveAfterTheRoomLeftMemory() throws Exception {
        EntityBareJid address = JidCreate.entityBareFrom("archive-b@conference.chorus.test");
        Occupant alice = Occupant.create(one, "alice", address, false);
        for (String b : List.of("first words", "second words", "third words")) {
            alice.say(b);
            await(() -> alice.bodies().contains(b), "echo of " + b);
        }
        alice.leave();
        // chorus.muc.idle-timeout is 2 s here: the empty room's entity passivates.
        await(() -> !inMemory(address), "the room's entity left memory");

        Occupant erin = Occupant.join(two, "erin", address);
        await(() -> erin.bodies().size() == 3, "erin gets the history");
        assertEquals(List.of("first words", "second words", "third words"), erin.bodies());
        for (Message m : erin.got()) {
            assertTrue(m.getExtensionElement("delay", "urn:xmpp:delay") != null, "a delay stamp on " + m.toXML());
            assertEquals(address.toString(), stanzaId(m)[0]);
        }
        erin.leave();
    }

    /** XEP-0425's request, which Smack has no manager for. */
    static final class Moderate extends IQ {
        private final String id;

        Moderate(EntityBareJid room, String id) {
            super("moderate", "urn:xmpp:message-moderate:1");
            this.id = id;
            setType(Type.set);
            setTo(room);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.attribute("id", id);
            xml.rightAngleBracket();
            xml.append("<retract xmlns='urn:xmpp:message-retract:1'/><reason>spam</reason>");
            return xml;
        }
    }

    @Test
    void aModeratorRetractsAMessageEveryoneIsToldAndTheArchiveKeepsOnlyATombstone() throws Exception {
        EntityBareJid address = JidCreate.entityBareFrom("archive-c@conference.chorus.test");
        String spam = "SPAM-" + UUID.randomUUID();
        Occupant alice = Occupant.create(one, "alice", address, false);
        Occupant bob = Occupant.join(two, "bob", address);
        Occupant carol = Occupant.join(one, "carol", address);
        bob.say(spam);
        await(() -> alice.bodies().contains(spam), "alice sees the spam");
        carol.say("fine words");
        await(() -> alice.bodies().contains("fine words"), "alice sees carol");
        String id = stanzaId(alice.got().get(0))[1];
        try (CqlSession cql = StorageIT.session(one)) {
            await(() -> StorageIT.rowsOf(cql, one.keyspace(), spam) == 1, "the spam is archived");
        }

        XMPPException.XMPPErrorException refused = org.junit.jupiter.api.Assertions.assertThrows(
            XMPPException.XMPPErrorException.class,
            () -> bob.connection().createStanzaCollectorAndSend(new Moderate(address, id)).nextResultOrThrow());
        assertEquals(StanzaError.Condition.forbidden, refused.getStanzaError().getCondition(), "bob is no moderator");

        alice.connection().createStanzaCollectorAndSend(new Moderate(address, id)).nextResultOrThrow();
        for (Occupant o : List.of(alice, bob, carol)) {
            await(() -> o.got().stream().anyMatch(m -> {
                var r = m.getExtensionElement("retract", "urn:xmpp:message-retract:1");
                return r != null && id.equals(attr(r.toXML().toString(), "id"));
            }), o.connection().getUser() + " is told of the retraction");
        }
        try (CqlSession cql = StorageIT.session(one)) {
            // The notice is archived beside its delivery, not before it.
            await(() -> archiveRows(cql, one, address) == 3, "the retraction notice is archived too");
        }
        List<String> archived = archivedBodies(carol.room(), 10);
        assertEquals(List.of("(no body)", "fine words", "(no body)"), archived,
            "the tombstone, carol's message, the retraction notice");
        try (CqlSession cql = StorageIT.session(one)) {
            assertEquals(0, StorageIT.rowsOf(cql, one.keyspace(), spam), "no row holds the retracted text");
            assertEquals(3, archiveRows(cql, one, address));
        }
        Occupant dave = Occupant.join(two, "dave", address);
        await(() -> dave.bodies().contains("fine words"), "dave gets the history");
        assertTrue(dave.got().stream().anyMatch(m -> m.getExtensionElement("retracted", "urn:xmpp:message-retract:1") != null),
            "the tombstone is in the history");
        assertFalse(dave.bodies().contains(spam), "the history holds the tombstone, not the text");
        assertEquals(List.of("fine words"), dave.bodies());
        for (Occupant o : List.of(alice, bob, carol, dave)) {
            o.leave();
        }
    }

    @Test
    void theArchiveIsBoundedPerRoomPerPageAndPerMinuteAndClosedToStrangersOfAMembersOnlyRoom() throws Exception {
        EntityBareJid address = JidCreate.entityBareFrom("archive-d@conference.chorus.test");
        Occupant alice = Occupant.create(one, "alice", address, false);
        List<Occupant> talkers = List.of(alice, Occupant.join(two, "bob", address), Occupant.join(one, "carol", address));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // Three connections on two nodes send 36 messages at once; the room archives at most 25.
            List<Future<?>> sent = new ArrayList<>();
            for (Occupant o : talkers) {
                sent.add(pool.submit(() -> {
                    for (int i = 0; i < 12; i++) {
                        o.say(o.connection().getUser().getLocalpart() + " flood " + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
            await(() -> alice.bodies().size() == 36, "all 36 were delivered");
            try (CqlSession cql = StorageIT.session(one)) {
                await(() -> archiveRows(cql, one, address) >= 20, "archived up to the limit");
                long rows = archiveRows(cql, one, address);
                assertTrue(rows <= 25, "chorus.muc.archive.max-messages is 25 here; the archive holds " + rows);
            }
            assertEquals(10, archivedBodies(alice.room(), 100).size(), "chorus.mam.max-page-size is 10 here");

            // 30 queries from three connections at once against a room that answers 20 a minute.
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Future<?>> asked = new ArrayList<>();
            for (Occupant o : talkers) {
                asked.add(pool.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            archivedBodies(o.room(), 1);
                            answered.incrementAndGet();
                        } catch (XMPPException.XMPPErrorException e) {
                            assertEquals(StanzaError.Condition.resource_constraint, e.getStanzaError().getCondition());
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : asked) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertTrue(answered.get() <= 23, answered + " answered (20 a minute, one already used, a few refilled)");
            assertTrue(refused.get() >= 7, refused + " refused");
        } finally {
            pool.shutdownNow();
        }
        for (Occupant o : talkers) {
            o.leave();
        }

        EntityBareJid closed = JidCreate.entityBareFrom("archive-e@conference.chorus.test");
        Occupant owner = Occupant.create(one, "alice", closed, true);
        owner.say("for members");
        await(() -> owner.bodies().contains("for members"), "echo");
        XMPPTCPConnection stranger = login(two, "erin", "outside");
        try {
            MultiUserChat fromOutside = MultiUserChatManager.getInstanceFor(stranger).getMultiUserChat(closed);
            XMPPException.XMPPErrorException e = org.junit.jupiter.api.Assertions.assertThrows(
                XMPPException.XMPPErrorException.class, () -> archivedBodies(fromOutside, 10));
            assertEquals(StanzaError.Condition.forbidden, e.getStanzaError().getCondition());
        } finally {
            stranger.disconnect();
        }
        owner.leave();
    }
}
