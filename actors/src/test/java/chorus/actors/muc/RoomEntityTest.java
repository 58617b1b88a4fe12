package chorus.actors.muc;

import chorus.actors.ManualClock;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's entity: what a persistent room journals, what survives a restart, and what destruction erases. */
class RoomEntityTest {
    static final ActorTestKit testKit =
        ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
    static final String ROOM = "coven@chat.shakespeare.lit";
    static final String CRONE = "crone1@shakespeare.lit/desktop";
    static final String WITCH = "wiccarocks@shakespeare.lit/laptop";

    final List<Stanza> out = new CopyOnWriteArrayList<>();
    final Map<String, String> listed = new ConcurrentHashMap<>();
    final List<String> erased = new CopyOnWriteArrayList<>();
    final RoomListing listing = new RoomListing() {
        @Override
        public void publish(String room, String name) {
            listed.put(room, name);
        }

        @Override
        public void withdraw(String room) {
            listed.remove(room);
        }
    };
    final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    final RoomEntity.Deps deps = new RoomEntity.Deps(MucSettings.defaults(), "shakespeare.lit", out::add, listing,
        new ManualClock(Instant.parse("2026-11-24T12:00:00Z")), erased::add);
    final EventSourcedBehaviorTestKit<RoomEntity.Command, RoomEvent, RoomEntity.State> entity =
        EventSourcedBehaviorTestKit.create(testKit.system(), RoomEntity.create(ROOM, deps, shard.getRef()));

    @BeforeEach
    void clear() {
        entity.clear();
    }

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    EventSourcedBehaviorTestKit.CommandResult<RoomEntity.Command, RoomEvent, RoomEntity.State> send(String xml) {
        out.clear();
        return entity.runCommand(new RoomEntity.Deliver(Stanza.fromElement(Xml.parse(xml))));
    }

    EventSourcedBehaviorTestKit.CommandResult<RoomEntity.Command, RoomEvent, RoomEntity.State> submit(String fields) {
        return send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='c'><query xmlns='http://jabber.org/protocol/muc#owner'>"
            + "<x xmlns='jabber:x:data' type='submit'>" + fields + "</x></query></iq>");
    }

    /** A self-presence with status 201: the room was created by this entry. */
    static boolean created(Stanza s) {
        return s.child("x", Room.USER).map(x -> x.elements("status", Room.USER).stream()
            .anyMatch(st -> "201".equals(st.attr("code")))).orElse(false);
    }

    static String field(String var, String value) {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }

    @Test
    void aTemporaryRoomJournalsNothing() {
        assertTrue(send("<presence from='" + CRONE + "' to='" + ROOM + "/crone'/>").hasNoEvents());
        assertTrue(submit("").hasNoEvents());
        assertTrue(send("<message from='" + CRONE + "' to='" + ROOM + "' type='groupchat'><subject>s</subject></message>").hasNoEvents());
        assertEquals("coven", listed.get(ROOM));
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone' type='unavailable'/>");
        assertFalse(listed.containsKey(ROOM), "the room ended with its last occupant");
    }

    @Test
    void aPersistentRoomOutlivesItsEntityWithItsPasswordOnlyAsAHash() {
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone'/>");
        var saved = submit(field(RoomConfig.PERSISTENT, "1") + field(RoomConfig.PASSWORD_PROTECTED, "1")
            + field(RoomConfig.SECRET, "eye-of-newt") + field(RoomConfig.NAME, "The Coven"));
        RoomEvent.Saved event = assertInstanceOf(RoomEvent.Saved.class, saved.event());
        assertEquals("", event.room().config().password(), "the journal holds no password text");
        assertNotNull(event.room().secret());
        assertFalse(event.room().toString().contains("eye-of-newt"));
        send("<message from='" + CRONE + "' to='" + ROOM + "' type='groupchat'><subject>Toil and trouble</subject></message>");
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone' type='unavailable'/>");

        entity.restart();
        assertEquals("The Coven", listed.get(ROOM));
        var wrong = send("<presence from='" + WITCH + "' to='" + ROOM + "/witch'><x xmlns='http://jabber.org/protocol/muc'>"
            + "<password>wing-of-bat</password></x></presence>");
        assertEquals(StanzaError.Condition.NOT_AUTHORIZED, StanzaError.conditionOf(out.get(0)));
        assertTrue(wrong.hasNoEvents());
        send("<presence from='" + WITCH + "' to='" + ROOM + "/witch'><x xmlns='http://jabber.org/protocol/muc'>"
            + "<password>eye-of-newt</password></x></presence>");
        assertFalse(out.get(0).isError(), out.toString());
        assertTrue(out.stream().anyMatch(s -> s.child("subject", "jabber:client").map(e -> e.text().equals("Toil and trouble"))
            .orElse(false)), "the subject came back: " + out);
        assertTrue(out.stream().noneMatch(RoomEntityTest::created), "the room existed: no creation status");
    }

    @Test
    void destroyingAPersistentRoomForgetsItAndErasesItsJournal() {
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone'/>");
        submit(field(RoomConfig.PERSISTENT, "1"));
        var destroyed = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='d'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query></iq>");
        assertInstanceOf(RoomEvent.Forgotten.class, destroyed.event());
        assertEquals(List.of(ROOM), erased);
        assertFalse(listed.containsKey(ROOM));
        entity.restart();
        send("<presence from='" + WITCH + "' to='" + ROOM + "/witch'/>");
        assertTrue(created(out.get(0)), "the address is free for a new room: " + out);
    }

    @Test
    void anEmptyRoomAsksToPassivateAfterTheIdleTimeout() {
        var quick = new RoomEntity.Deps(new MucSettings(true, "chat", 10, 5, 5, 10, 100, Duration.ofMillis(200), true),
            "shakespeare.lit", out::add, listing, deps.clock(), erased::add);
        testKit.spawn(RoomEntity.create("idle@chat.shakespeare.lit", quick, shard.getRef()));
        shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(5));
    }

    @Test
    void aRoomLeftWhileLockedCanBeCreatedAgainAtOnce() {
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        assertTrue(created(out.get(0)));
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone' type='unavailable'/>");
        send("<presence from='" + CRONE + "' to='" + ROOM + "/crone'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        assertEquals(1, out.size(), out.toString());
        assertTrue(created(out.get(0)), out.toString());
    }

    /**
     * Messages of an archiving room go to the archive, never the journal; after a restart the room fills its history
     * from the archive, and holds an entry that comes meanwhile (the archive answers slowly here) until it has.
     */
    @Test
    void anArchivingRoomJournalsNoMessageAndAfterARestartServesHistoryFromItsArchive() throws Exception {
        var slow = new SlowArchiveStore(deps.clock(), 300);
        var archiving = new RoomEntity.Deps(MucSettings.defaults(), "shakespeare.lit", out::add, listing, deps.clock(),
            erased::add, slow, RoomArchiveSettings.defaults());
        var room = EventSourcedBehaviorTestKit.<RoomEntity.Command, RoomEvent, RoomEntity.State>create(testKit.system(),
            RoomEntity.create("archive@chat.shakespeare.lit", archiving, shard.getRef()));
        String at = "archive@chat.shakespeare.lit";
        java.util.function.Function<String, EventSourcedBehaviorTestKit.CommandResult<RoomEntity.Command, RoomEvent, RoomEntity.State>> run =
            xml -> {
                out.clear();
                return room.runCommand(new RoomEntity.Deliver(Stanza.fromElement(Xml.parse(xml))));
            };
        run.apply("<presence from='" + CRONE + "' to='" + at + "/crone'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        run.apply("<iq from='" + CRONE + "' to='" + at + "' type='set' id='c'><query xmlns='http://jabber.org/protocol/muc#owner'>"
            + "<x xmlns='jabber:x:data' type='submit'>" + field(RoomConfig.PERSISTENT, "1") + field(RoomConfig.ARCHIVING, "1")
            + "</x></query></iq>");
        var said = run.apply("<message from='" + CRONE + "' to='" + at + "' type='groupchat' id='m'><body>Double, double</body></message>");
        assertTrue(said.hasNoEvents(), "a message is not journaled");
        until(() -> slow.count(at, 0, Long.MAX_VALUE, w -> true).toCompletableFuture().join() == 1);
        run.apply("<presence from='" + CRONE + "' to='" + at + "/crone' type='unavailable'/>");

        room.restart();
        run.apply("<presence from='" + WITCH + "' to='" + at + "/witch'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
        until(() -> out.stream().anyMatch(x -> x.child("subject", "jabber:client").isPresent()));
        List<String> bodies = out.stream().filter(x -> x instanceof chorus.actors.xmpp.Message m && m.body() != null)
            .map(x -> ((chorus.actors.xmpp.Message) x).body()).toList();
        assertEquals(List.of("Double, double"), bodies, "the history came from the archive: " + out);
    }

    /** Waits for a condition (up to 10 s), not for a fixed time. */
    static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out");
            Thread.sleep(20);
        }
    }
}
