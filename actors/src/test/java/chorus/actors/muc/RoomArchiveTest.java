package chorus.actors.muc;

import chorus.actors.ManualClock;
import chorus.actors.feature.Xml;
import chorus.actors.feature.mam.Archive;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.persistence.archive.ArchivedRow;
import chorus.persistence.archive.InMemoryArchiveStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A room's archive (XEP-0313 on rooms), stanza-ids (XEP-0359) and moderation (XEP-0425): stanzas in, the stanzas
 * the room sends and the rows its archive holds out.
 */
class RoomArchiveTest {
    static final String ROOM = "coven@chat.shakespeare.lit";
    static final String CRONE = "crone1@shakespeare.lit/desktop";
    static final String WITCH = "wiccarocks@shakespeare.lit/laptop";
    static final String HAG = "hag66@shakespeare.lit/pda";
    static final String MAM = "urn:xmpp:mam:2";

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
    final List<Stanza> out = new ArrayList<>();
    final MucSettings settings = new MucSettings(true, "chat", 10, 10, 3, 10, 100, Duration.ofMinutes(2), true);
    /** Retention 72 h; pages of 2, at most 3; 5 messages per room; 4 queries a minute. */
    final RoomArchiveSettings archiveSettings = new RoomArchiveSettings(Duration.ofHours(72), 2, 3, 5, 4);
    final InMemoryArchiveStore store = new InMemoryArchiveStore(clock, Duration.ofHours(72));
    Room room = newRoom();

    Room newRoom() {
        return new Room(BareJid.parseBare(ROOM), settings, "shakespeare.lit", clock, out::add, RoomListing.NONE,
            store, archiveSettings, RoomAsync.DIRECT);
    }

    List<Stanza> send(String xml) {
        out.clear();
        room.handle(Stanza.fromElement(Xml.parse(xml)));
        return List.copyOf(out);
    }

    List<Stanza> enter(String real, String nick) {
        return send("<presence from='" + real + "' to='" + ROOM + "/" + nick + "'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
    }

    /** The crone makes the room with these settings, and the witch enters. */
    void openRoom(String... fieldsAndValues) {
        enter(CRONE, "firstwitch");
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.append("<field var='").append(fieldsAndValues[i]).append("'><value>").append(fieldsAndValues[i + 1])
                .append("</value></field>");
        }
        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='c1'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>" + fields
            + "</x></query></iq>");
        assertEquals("result", r.get(r.size() - 1).typeName(), r.toString());
        enter(WITCH, "secondwitch");
    }

    void openArchivingRoom() {
        openRoom("muc#roomconfig_enablearchiving", "1", "muc#roomconfig_persistentroom", "1");
    }

    List<Stanza> say(String from, String id, String body) {
        return send("<message from='" + from + "' to='" + ROOM + "' type='groupchat' id='" + id + "'><body>" + body
            + "</body><origin-id xmlns='urn:xmpp:sid:0' id='o-" + id + "'/></message>");
    }

    List<Stanza> query(String from, String id, String rsm) {
        return send("<iq from='" + from + "' to='" + ROOM + "' type='set' id='" + id + "'><query xmlns='" + MAM
            + "' queryid='" + id + "'><set xmlns='http://jabber.org/protocol/rsm'>" + rsm + "</set></query></iq>");
    }

    List<ArchivedRow> rows() {
        return store.scan(ROOM, 0, Long.MAX_VALUE, false, w -> true, 1000).toCompletableFuture().join();
    }

    static String stanzaId(Stanza s) {
        Element sid = s.child("stanza-id", Archive.SID).orElseThrow(() -> new AssertionError("no stanza-id: " + s));
        assertEquals(ROOM, sid.attr("by"));
        return sid.attr("id");
    }

    /** Bodies of the archived messages in MAM results, in order. */
    static List<String> resultBodies(List<Stanza> r) {
        List<String> bodies = new ArrayList<>();
        for (Stanza s : r) {
            s.child("result", MAM).ifPresent(res -> bodies.add(res.child("forwarded", Archive.FORWARD).orElseThrow()
                .child("message", "jabber:client").orElseThrow().childText("body", "jabber:client").orElse(null)));
        }
        return bodies;
    }

    static StanzaError.Condition errorOf(List<Stanza> r) {
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).isError(), r.toString());
        return StanzaError.conditionOf(r.get(0));
    }

    boolean discoHas(String feature) {
        List<Stanza> r = send("<iq from='" + WITCH + "' to='" + ROOM + "' type='get' id='d'>"
            + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        return r.get(0).child("query", "http://jabber.org/protocol/disco#info").orElseThrow().elements("feature",
            "http://jabber.org/protocol/disco#info").stream().anyMatch(f -> feature.equals(f.attr("var")));
    }

    @Test
    void everyGroupchatMessageCarriesTheRoomsStanzaIdAndKeepsItsOriginIdEvenWithoutAnArchive() {
        openRoom();
        List<Stanza> r = send("<message from='" + WITCH + "' to='" + ROOM + "' type='groupchat' id='m1'><body>Hail</body>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' by='" + ROOM + "' id='forged'/>"
            + "<origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>");
        assertEquals(2, r.size());
        for (Stanza s : r) {
            assertEquals(1, s.children().stream().filter(n -> n instanceof Element e && e.is("stanza-id", Archive.SID)).count(),
                "the forged id is gone, the room's is there");
            assertFalse(stanzaId(s).equals("forged"));
            assertEquals("o-1", s.child("origin-id", Archive.SID).orElseThrow().attr("id"));
        }
        assertEquals(stanzaId(r.get(0)), stanzaId(r.get(1)), "one id for every copy");
        String second = stanzaId(say(WITCH, "m2", "again").get(0));
        assertTrue(Long.parseLong(second) > Long.parseLong(stanzaId(r.get(0))), "ids grow");
        assertEquals(0, rows().size(), "a room that does not archive keeps nothing");
        assertFalse(discoHas(MAM));
        assertTrue(discoHas(Archive.SID));
        assertTrue(discoHas(RoomModeration.MODERATE));
        assertEquals(StanzaError.Condition.FEATURE_NOT_IMPLEMENTED, errorOf(query(WITCH, "q", "")));
    }

    @Test
    void anArchivingRoomKeepsItsMessagesUnderItsAddressAndAnOccupantPagesThroughThem() {
        openArchivingRoom();
        assertTrue(discoHas(MAM));
        for (int i = 1; i <= 4; i++) {
            say(i % 2 == 0 ? CRONE : WITCH, "m" + i, "line " + i);
            clock.now = clock.now.plus(Duration.ofSeconds(1));
        }
        List<ArchivedRow> rows = rows();
        assertEquals(4, rows.size());
        assertEquals(ROOM + "/secondwitch", rows.get(0).with(), "the sender's room address, never the real one");
        assertFalse(new String(rows.get(0).message(), java.nio.charset.StandardCharsets.UTF_8).contains("wiccarocks"));

        List<Stanza> first = query(WITCH, "q1", "");
        assertEquals(List.of("line 1", "line 2"), resultBodies(first), "default page of 2");
        Stanza fin = first.get(first.size() - 1);
        assertEquals("result", fin.typeName());
        Element set = fin.child("fin", MAM).orElseThrow().child("set", "http://jabber.org/protocol/rsm").orElseThrow();
        assertEquals("4", set.childText("count", "http://jabber.org/protocol/rsm").orElseThrow());
        assertEquals(WITCH, first.get(0).to().toString(), "results go to the client that asked");
        assertEquals(ROOM, first.get(0).from().toString());

        String last = set.childText("last", "http://jabber.org/protocol/rsm").orElseThrow();
        assertEquals(List.of("line 3", "line 4"), resultBodies(query(WITCH, "q2", "<after>" + last + "</after>")));
        assertEquals(3, resultBodies(query(WITCH, "q3", "<max>1000</max>")).size(), "max page 3 here");
        assertEquals(List.of("line 2", "line 4"), resultBodies(send("<iq from='" + WITCH + "' to='" + ROOM
            + "' type='set' id='q4'><query xmlns='" + MAM + "'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='with'><value>" + ROOM + "/firstwitch</value></field></x></query></iq>")), "one occupant's lines");
    }

    @Test
    void theArchiveOfARoomIsBoundedAndSoAreItsQueries() {
        openArchivingRoom();
        for (int i = 1; i <= 8; i++) {
            say(WITCH, "m" + i, "line " + i);
        }
        assertEquals(5, rows().size(), "max-messages 5: later messages are not archived");
        for (int i = 0; i < 4; i++) {
            assertFalse(query(CRONE, "q" + i, "").get(0).isError());
        }
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, errorOf(query(CRONE, "q5", "")));
        clock.now = clock.now.plus(Duration.ofSeconds(31));
        assertFalse(query(CRONE, "q6", "").get(0).isError(), "the bucket refills");
    }

    @Test
    void nonMembersOfAMembersOnlyRoomAndOutcastsCannotReadTheArchive() {
        openRoom("muc#roomconfig_enablearchiving", "1", "muc#roomconfig_membersonly", "1");
        say(CRONE, "m1", "members only");
        List<Stanza> stranger = query(HAG, "q1", "");
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(stranger));
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='b'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item affiliation='member' jid='hag66@shakespeare.lit'/></query></iq>");
        assertEquals(List.of("members only"), resultBodies(query(HAG, "q2", "")), "a member may, without entering");
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='b2'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item affiliation='outcast' jid='hag66@shakespeare.lit'/></query></iq>");
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(query(HAG, "q3", "")));
    }

    @Test
    void aPersistentRoomStartingAgainServesNewcomersTheHistoryFromItsArchiveWithinTheRetention() {
        openArchivingRoom();
        say(WITCH, "m1", "old line");
        clock.now = clock.now.plus(Duration.ofHours(71));
        say(WITCH, "m2", "newer line");
        say(CRONE, "m3", "newest line");
        RoomEvent.Stored stored = room.stored();
        assertNotNull(stored);

        room = newRoom(); // the entity moved to another node, or passivated and came back
        room.restore(stored);
        clock.now = clock.now.plus(Duration.ofHours(2)); // "old line" is now 73 h old
        List<Stanza> r = enter(HAG, "thirdwitch");
        List<String> history = r.stream().filter(s -> s instanceof Message m && m.body() != null)
            .map(s -> ((Message) s).body()).toList();
        assertEquals(List.of("newer line", "newest line"), history, "from the archive, none past the retention");
        Stanza h = r.stream().filter(s -> s instanceof Message m && m.body() != null).findFirst().orElseThrow();
        assertTrue(h.child("delay", "urn:xmpp:delay").isPresent());
        stanzaId(h);
        String lastBefore = stanzaId(r.stream().filter(s -> s instanceof Message m && m.body() != null)
            .reduce((a, b) -> b).orElseThrow());
        String after = stanzaId(say(HAG, "m4", "after the restart").get(0));
        assertTrue(Long.parseLong(after) > Long.parseLong(lastBefore));
    }

    @Test
    void aModeratorRetractsAMessageEveryoneIsToldAndTheArchiveKeepsATombstone() {
        openArchivingRoom();
        String id = stanzaId(say(WITCH, "m1", "DM me for free magic potions!").get(0));
        say(CRONE, "m2", "innocent");

        List<Stanza> refused = send("<iq from='" + WITCH + "' to='" + ROOM + "' type='set' id='r0'>"
            + "<moderate xmlns='urn:xmpp:message-moderate:1' id='" + id + "'><retract xmlns='urn:xmpp:message-retract:1'/>"
            + "</moderate></iq>");
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(refused), "a participant is no moderator");
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, errorOf(send("<iq from='" + CRONE + "' to='" + ROOM
            + "' type='set' id='r1'><moderate xmlns='urn:xmpp:message-moderate:1' id='4242'>"
            + "<retract xmlns='urn:xmpp:message-retract:1'/></moderate></iq>")));

        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='r2'>"
            + "<moderate xmlns='urn:xmpp:message-moderate:1' id='" + id + "'><retract xmlns='urn:xmpp:message-retract:1'/>"
            + "<reason>Spam</reason></moderate></iq>");
        List<Stanza> notices = r.stream().filter(s -> s.child("retract", RoomModeration.RETRACT).isPresent()).toList();
        assertEquals(2, notices.size(), "both occupants: " + r);
        Element retract = notices.get(0).child("retract", RoomModeration.RETRACT).orElseThrow();
        assertEquals(id, retract.attr("id"));
        assertEquals(ROOM + "/firstwitch", retract.child("moderated", RoomModeration.MODERATE).orElseThrow().attr("by"));
        assertEquals("Spam", retract.childText("reason", RoomModeration.RETRACT).orElseThrow());
        assertEquals(ROOM, notices.get(0).from().toString());
        assertTrue(notices.get(0).child("apply-to", RoomModeration.FASTEN).isPresent(), "and the :0 form");
        assertEquals("result", r.get(r.size() - 1).typeName());
        assertEquals("r2", r.get(r.size() - 1).id());

        ArchivedRow row = rows().stream().filter(x -> Long.toString(x.id()).equals(id)).findFirst().orElseThrow();
        Message stone = Archive.decode(row.message());
        assertEquals(null, stone.body());
        assertFalse(new String(row.message(), java.nio.charset.StandardCharsets.UTF_8).contains("potions"));
        assertTrue(stone.child("retracted", RoomModeration.RETRACT).isPresent());
        assertEquals(id, stone.child("stanza-id", Archive.SID).orElseThrow().attr("id"));
        List<String> archived = resultBodies(query(CRONE, "q", "<max>3</max>"));
        assertEquals(java.util.Arrays.asList(null, "innocent", null), archived,
            "the tombstone, the other message, and the retraction notice");

        List<Stanza> newcomer = enter(HAG, "thirdwitch");
        assertTrue(newcomer.stream().anyMatch(s -> s.child("retracted", RoomModeration.RETRACT).isPresent()),
            "the history holds the tombstone");
        for (Stanza s : newcomer) {
            if (s instanceof Message m && m.body() != null) {
                assertEquals("innocent", m.body());
            }
        }
    }

    @Test
    void theEarlierModerationNamespaceIsUnderstoodInARoomWithoutArchive() {
        openRoom();
        String id = stanzaId(say(WITCH, "m1", "rude").get(0));
        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='r'>"
            + "<apply-to xmlns='urn:xmpp:fasten:0' id='" + id + "'><moderate xmlns='urn:xmpp:message-moderate:0'>"
            + "<retract xmlns='urn:xmpp:message-retract:0'/><reason>No</reason></moderate></apply-to></iq>");
        assertEquals("result", r.get(r.size() - 1).typeName(), r.toString());
        assertEquals(2, r.stream().filter(s -> s.child("apply-to", RoomModeration.FASTEN).isPresent()).count());
        List<Stanza> newcomer = enter(HAG, "thirdwitch");
        assertFalse(newcomer.stream().anyMatch(s -> s instanceof Message m && "rude".equals(m.body())),
            "the history holds no body");
        assertTrue(newcomer.stream().anyMatch(s -> s.child("retracted", RoomModeration.RETRACT).isPresent()));
    }

    @Test
    void destroyingTheRoomErasesItsArchive() {
        openArchivingRoom();
        say(WITCH, "m1", "to be forgotten");
        assertEquals(1, rows().size());
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='d'><query xmlns='http://jabber.org/protocol/muc#owner'>"
            + "<destroy/></query></iq>");
        assertTrue(room.gone());
        assertEquals(0, rows().size());
    }
}
