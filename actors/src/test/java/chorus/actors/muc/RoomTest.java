package chorus.actors.muc;

import chorus.actors.ManualClock;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The room's rules, XEP-0045 by its examples: stanzas in, the stanzas the room sends out. */
class RoomTest {
    private static final String ROOM = "coven@chat.shakespeare.lit";
    private static final String CRONE = "crone1@shakespeare.lit/desktop";
    private static final String WITCH = "wiccarocks@shakespeare.lit/laptop";
    private static final String HAG = "hag66@shakespeare.lit/pda";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T12:00:00Z"));
    private final List<Stanza> out = new ArrayList<>();
    private MucSettings settings = new MucSettings(true, "chat", 5, 3, 2, 4, 20, Duration.ofMinutes(2), true);
    private Room room = newRoom();

    private Room newRoom() {
        return new Room(BareJid.parseBare(ROOM), settings, "shakespeare.lit", clock, out::add);
    }

    private List<Stanza> send(String xml) {
        out.clear();
        room.handle(Stanza.fromElement(Xml.parse(xml)));
        return List.copyOf(out);
    }

    private List<Stanza> enter(String real, String nick) {
        return send("<presence from='" + real + "' to='" + ROOM + "/" + nick + "' id='j1'>"
            + "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
    }

    /** The crone creates the room and accepts the default configuration (§10.1.2 instant room). */
    private void openRoom() {
        enter(CRONE, "firstwitch");
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='create1'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>");
    }

    /** Submits the configuration form with these field, value pairs. */
    private void configure(String... fieldsAndValues) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.append("<field var='").append(fieldsAndValues[i]).append("'><value>").append(fieldsAndValues[i + 1])
                .append("</value></field>");
        }
        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='c1'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
            + fields + "</x></query></iq>");
        assertTrue(r.stream().anyMatch(s -> "result".equals(s.typeName()) && "c1".equals(s.id())), r.toString());
    }

    private static StanzaError.Condition errorOf(List<Stanza> r) {
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).isError(), r.toString());
        return StanzaError.conditionOf(r.get(0));
    }

    private static Element userX(Stanza s) {
        return s.child("x", Room.USER).orElseThrow();
    }

    private static List<String> codes(Stanza s) {
        return userX(s).elements("status", Room.USER).stream().map(e -> e.attr("code")).toList();
    }

    private static Element item(Stanza s) {
        return userX(s).child("item", Room.USER).orElseThrow();
    }

    @Test
    void theFirstToEnterCreatesALockedRoomAndOwnsIt() {
        List<Stanza> r = enter(CRONE, "firstwitch");
        assertEquals(1, r.size());
        Presence self = (Presence) r.get(0);
        assertEquals(ROOM + "/firstwitch", self.from().toString());
        assertEquals("j1", self.id());
        assertEquals(List.of("110", "201"), codes(self));
        assertEquals("owner", item(self).attr("affiliation"));
        assertEquals("moderator", item(self).attr("role"));
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, errorOf(enter(WITCH, "witch")));
        assertTrue(room.listing().isEmpty(), "a locked room is not listed");
    }

    @Test
    void enteringShowsTheOthersThenYourselfThenHistoryThenTheSubject() {
        openRoom();
        send("<message from='" + CRONE + "' to='" + ROOM + "' type='groupchat'><subject>Fire Burn</subject></message>");
        send("<message from='" + CRONE + "' to='" + ROOM + "' type='groupchat' id='m1'><body>Thrice</body></message>");
        List<Stanza> r = enter(WITCH, "secondwitch");
        assertEquals(5, r.size(), r.toString());
        assertEquals(ROOM + "/firstwitch", r.get(0).from().toString());
        assertEquals(WITCH, r.get(0).to().toString());
        assertEquals(List.of("110"), codes(r.get(1)));
        assertEquals(CRONE, r.get(2).to().toString(), "the others learn of the newcomer");
        assertNull(item(r.get(0)).attr("jid"), "semi-anonymous: real addresses are for moderators");
        assertEquals(WITCH, item(r.get(2)).attr("jid"), "the crone is a moderator and sees it");
        Message history = (Message) r.get(3);
        assertEquals("Thrice", history.body());
        assertTrue(history.child("delay", "urn:xmpp:delay").isPresent());
        assertEquals("Fire Burn", r.get(4).child("subject", "jabber:client").orElseThrow().text());
    }

    @Test
    void historyKeepsOnlyTheLastMessagesAndHonoursMaxstanzas() {
        openRoom();
        for (int i = 1; i <= 4; i++) {
            send("<message from='" + CRONE + "' to='" + ROOM + "' type='groupchat'><body>m" + i + "</body></message>");
        }
        List<Stanza> r = enter(WITCH, "secondwitch");
        List<String> bodies = r.stream().filter(s -> s instanceof Message m && m.body() != null)
            .map(s -> ((Message) s).body()).toList();
        assertEquals(List.of("m3", "m4"), bodies, "history = 2 in these settings");
        List<Stanza> none = send("<presence from='" + HAG + "' to='" + ROOM + "/thirdwitch'><x xmlns='http://jabber.org/protocol/muc'>"
            + "<history maxstanzas='0'/></x></presence>");
        assertTrue(none.stream().noneMatch(s -> s instanceof Message m && m.body() != null), none.toString());
    }

    @Test
    void messagesGoToEveryOccupantAndOnlyOccupantsMaySpeak() {
        openRoom();
        enter(WITCH, "secondwitch");
        List<Stanza> r = send("<message from='" + WITCH + "' to='" + ROOM + "' type='groupchat' id='x'><body>Harpier cries</body></message>");
        assertEquals(2, r.size());
        assertTrue(r.stream().allMatch(s -> s.from().toString().equals(ROOM + "/secondwitch") && "x".equals(s.id())));
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE,
            errorOf(send("<message from='" + HAG + "' to='" + ROOM + "' type='groupchat'><body>hi</body></message>")));
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE,
            errorOf(send("<message from='" + HAG + "' to='" + ROOM + "/firstwitch' type='chat'><body>hi</body></message>")));
        List<Stanza> pm = send("<message from='" + WITCH + "' to='" + ROOM + "/firstwitch' type='chat'><body>psst</body></message>");
        assertEquals(CRONE, pm.get(0).to().toString());
        assertEquals(ROOM + "/secondwitch", pm.get(0).from().toString());
    }

    @Test
    void inAModeratedRoomVisitorsHaveNoVoiceAndOnlyModeratorsSetTheSubject() {
        openRoom();
        configure(RoomConfig.MODERATED, "1");
        List<Stanza> joined = enter(WITCH, "secondwitch");
        assertEquals("visitor", item(joined.get(1)).attr("role"));
        assertEquals(StanzaError.Condition.FORBIDDEN,
            errorOf(send("<message from='" + WITCH + "' to='" + ROOM + "' type='groupchat'><body>hi</body></message>")));
        assertEquals(StanzaError.Condition.FORBIDDEN,
            errorOf(send("<message from='" + WITCH + "' to='" + ROOM + "' type='groupchat'><subject>mine</subject></message>")));
    }

    @Test
    void entryIsRefusedForBannedNonMembersWrongPasswordsTakenNicknamesAndFullRooms() {
        openRoom();
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='ban'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item affiliation='outcast' jid='hag66@shakespeare.lit'/></query></iq>");
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(enter(HAG, "thirdwitch")));
        assertEquals(StanzaError.Condition.CONFLICT, errorOf(enter(WITCH, "firstwitch")));
        configure(RoomConfig.PASSWORD_PROTECTED, "1", RoomConfig.SECRET, "cauldron");
        assertEquals(StanzaError.Condition.NOT_AUTHORIZED, errorOf(enter(WITCH, "secondwitch")));
        configure(RoomConfig.PASSWORD_PROTECTED, "0");
        configure(RoomConfig.MEMBERS_ONLY, "1");
        assertEquals(StanzaError.Condition.REGISTRATION_REQUIRED, errorOf(enter(WITCH, "secondwitch")));
    }

    @Test
    void maxUsersStopsParticipantsButNotAdminsAndTheServiceLimitStopsEveryone() {
        openRoom();
        configure(RoomConfig.MAX_USERS, "2");
        enter(WITCH, "w2");
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, errorOf(enter(HAG, "w3")));
        for (int i = 3; i <= 5; i++) {
            send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='a'><query xmlns='http://jabber.org/protocol/muc#admin'>"
                + "<item affiliation='admin' jid='admin" + i + "@shakespeare.lit'/></query></iq>");
        }
        assertFalse(enter("admin3@shakespeare.lit/r", "w3").get(0).isError(), "admins pass the room's limit");
        assertFalse(enter("admin4@shakespeare.lit/r", "w4").get(0).isError());
        enter("admin5@shakespeare.lit/r", "w5");
        assertEquals(StanzaError.Condition.SERVICE_UNAVAILABLE, errorOf(enter("owner6@shakespeare.lit/r", "w6")),
            "max-occupants (5 here) holds for everyone");
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, errorOf(send("<iq from='" + CRONE + "' to='" + ROOM
            + "' type='set' id='c2'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='" + RoomConfig.MAX_USERS + "'><value>6</value></field></x></query></iq>")),
            "maxusers above the service's limit");
    }

    @Test
    void theAffiliationListsAndTextFieldsHaveLimits() {
        openRoom();
        for (int i = 1; i <= 3; i++) {
            send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='m'><query xmlns='http://jabber.org/protocol/muc#admin'>"
                + "<item affiliation='member' jid='m" + i + "@shakespeare.lit'/></query></iq>");
        }
        assertEquals(StanzaError.Condition.NOT_ALLOWED, errorOf(send("<iq from='" + CRONE + "' to='" + ROOM
            + "' type='set' id='m'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item affiliation='member' jid='m4@shakespeare.lit'/></query></iq>")), "max-affiliations is 4, the owner included");
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, errorOf(send("<iq from='" + CRONE + "' to='" + ROOM
            + "' type='set' id='c'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='" + RoomConfig.NAME + "'><value>" + "n".repeat(21) + "</value></field></x></query></iq>")));
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, errorOf(send("<message from='" + CRONE + "' to='" + ROOM
            + "' type='groupchat'><subject>" + "s".repeat(21) + "</subject></message>")));
    }

    @Test
    void moderatorsCannotKickOrSilenceAdminsAndOwners() {
        openRoom();
        enter(WITCH, "secondwitch");
        enter(HAG, "thirdwitch");
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='g'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item nick='secondwitch' role='moderator'/></query></iq>");
        assertEquals(StanzaError.Condition.NOT_ALLOWED, errorOf(send("<iq from='" + WITCH + "' to='" + ROOM
            + "' type='set' id='v'><query xmlns='http://jabber.org/protocol/muc#admin'><item nick='firstwitch' role='visitor'/></query></iq>")));
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(send("<iq from='" + HAG + "' to='" + ROOM
            + "' type='set' id='k'><query xmlns='http://jabber.org/protocol/muc#admin'><item nick='secondwitch' role='none'/></query></iq>")),
            "a participant kicks no one");
        List<Stanza> kick = send("<iq from='" + WITCH + "' to='" + ROOM + "' type='set' id='k'>"
            + "<query xmlns='http://jabber.org/protocol/muc#admin'><item nick='thirdwitch' role='none'><reason>Avaunt</reason></item></query></iq>");
        Stanza toHag = kick.stream().filter(s -> s.to().toString().equals(HAG)).findFirst().orElseThrow();
        assertEquals(Presence.Type.UNAVAILABLE, ((Presence) toHag).type());
        assertEquals(List.of("110", "307"), codes(toHag));
        assertEquals("Avaunt", item(toHag).childText("reason", Room.USER).orElseThrow());
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE,
            errorOf(send("<message from='" + HAG + "' to='" + ROOM + "' type='groupchat'><body>back</body></message>")));
    }

    @Test
    void aNicknameChangeIsAnUnavailableWith303ThenTheNewPresence() {
        openRoom();
        enter(WITCH, "secondwitch");
        List<Stanza> r = send("<presence from='" + WITCH + "' to='" + ROOM + "/oldhag'/>");
        assertEquals(4, r.size(), r.toString());
        assertEquals(ROOM + "/secondwitch", r.get(0).from().toString());
        assertEquals("oldhag", item(r.get(0)).attr("nick"));
        assertTrue(codes(r.get(0)).contains("303"));
        assertEquals(ROOM + "/oldhag", r.get(3).from().toString());
        assertEquals(StanzaError.Condition.CONFLICT, errorOf(send("<presence from='" + WITCH + "' to='" + ROOM + "/firstwitch'/>")));
    }

    @Test
    void aPresenceWithoutNicknameIsMalformedAndRemoteUsersCannotCreateRooms() {
        assertEquals(StanzaError.Condition.JID_MALFORMED, errorOf(send("<presence from='" + CRONE + "' to='" + ROOM + "'/>")));
        assertEquals(StanzaError.Condition.NOT_ALLOWED, errorOf(enter("someone@elsewhere.example/r", "guest")));
        assertFalse(room.gone());
    }

    @Test
    void theRoomEndsWithItsLastOccupantOrWhenItsOwnerDestroysIt() {
        openRoom();
        assertEquals("coven", room.listing().orElseThrow());
        enter(WITCH, "secondwitch");
        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='d'>"
            + "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy><reason>Macbeth doth come</reason></destroy></query></iq>");
        assertEquals(3, r.size(), r.toString());
        assertTrue(userX(r.get(0)).child("destroy", Room.USER).isPresent());
        assertEquals("result", r.get(2).typeName());
        assertTrue(room.gone());

        room = newRoom();
        openRoom();
        enter(WITCH, "secondwitch");
        send("<presence from='" + WITCH + "' to='" + ROOM + "/secondwitch' type='unavailable'/>");
        assertFalse(room.gone());
        List<Stanza> last = send("<presence from='" + CRONE + "' to='" + ROOM + "/firstwitch' type='unavailable'/>");
        assertEquals(List.of("110"), codes(last.get(0)));
        assertTrue(room.gone());
    }

    @Test
    void anOccupantWhoseAddressBouncesIsRemoved() {
        openRoom();
        enter(WITCH, "secondwitch");
        List<Stanza> r = send("<message from='" + WITCH + "' to='" + ROOM + "' type='error'>"
            + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        assertEquals(2, r.size());
        assertTrue(codes(r.get(0)).contains("333"));
        assertEquals(1, room.occupantCount());
    }

    @Test
    void onlyOwnersConfigureAndAdminsCannotTouchOtherAdmins() {
        openRoom();
        assertEquals(StanzaError.Condition.FORBIDDEN, errorOf(send("<iq from='" + WITCH + "' to='" + ROOM
            + "' type='get' id='f'><query xmlns='http://jabber.org/protocol/muc#owner'/></iq>")));
        send("<iq from='" + CRONE + "' to='" + ROOM + "' type='set' id='a'><query xmlns='http://jabber.org/protocol/muc#admin'>"
            + "<item affiliation='admin' jid='wiccarocks@shakespeare.lit'/><item affiliation='admin' jid='hag66@shakespeare.lit'/></query></iq>");
        assertEquals(StanzaError.Condition.NOT_ALLOWED, errorOf(send("<iq from='" + WITCH + "' to='" + ROOM
            + "' type='set' id='x'><query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='none' jid='hag66@shakespeare.lit'/></query></iq>")));
        assertEquals(StanzaError.Condition.CONFLICT, errorOf(send("<iq from='" + CRONE + "' to='" + ROOM
            + "' type='set' id='x'><query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' jid='crone1@shakespeare.lit'/></query></iq>")),
            "the last owner stays");
    }

    @Test
    void theFormOffersNoLoggingBecauseRoomsKeepNoLogs() {
        openRoom();
        List<Stanza> r = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='get' id='f'><query xmlns='http://jabber.org/protocol/muc#owner'/></iq>");
        Element form = r.get(0).child("query", Room.OWNER).orElseThrow().child("x", "jabber:x:data").orElseThrow();
        List<String> vars = form.elements("field", "jabber:x:data").stream().map(f -> f.attr("var")).toList();
        assertTrue(vars.contains(RoomConfig.MEMBERS_ONLY) && vars.contains(RoomConfig.MAX_USERS));
        assertFalse(vars.contains("muc#roomconfig_enablelogging"));
    }

    @Test
    void aSelfPingTellsWhetherYouAreStillInTheRoom() {
        openRoom();
        List<Stanza> in = send("<iq from='" + CRONE + "' to='" + ROOM + "/firstwitch' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
        assertEquals("result", in.get(0).typeName());
        assertEquals(StanzaError.Condition.NOT_ACCEPTABLE, errorOf(send("<iq from='" + WITCH + "' to='" + ROOM
            + "/firstwitch' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>")), "XEP-0410: not joined");
        assertEquals(StanzaError.Condition.BAD_REQUEST, errorOf(send("<iq from='" + WITCH + "' to='" + ROOM
            + "/firstwitch' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")),
            "XEP-0045 §6.6: non-occupants may not address occupants");
        List<Stanza> info = send("<iq from='" + CRONE + "' to='" + ROOM + "' type='get' id='i'>"
            + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
        assertTrue(info.get(0).toString().length() > 0 && ((chorus.actors.xmpp.Iq) info.get(0)).payload().orElseThrow()
            .elements("feature", "http://jabber.org/protocol/disco#info").stream()
            .anyMatch(f -> Room.SELF_PING.equals(f.attr("var"))), "XEP-0410 §3.3: the room says it answers self-pings");
    }

    @Test
    void aFloodOfEntriesIntoOneRoomIsRefusedWithResourceConstraintAndTheRoomOpensAgainASecondLater() {
        settings = MucSettings.defaults().withLimits(20, 1000, 100, 2, 100);
        room = newRoom();
        openRoom();
        // the creator's own entry took one of the four at once
        for (int i = 0; i < 3; i++) {
            assertFalse(enter("guest" + i + "@shakespeare.lit/r", "guest" + i).get(0).isError());
        }
        List<Stanza> refused = enter("late@shakespeare.lit/r", "late");
        assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, errorOf(refused));
        assertEquals("presence", refused.get(0).kind());
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertFalse(enter("late@shakespeare.lit/r", "late").get(0).isError());
    }

    @Test
    void anAccountThatMayMakeNoMoreRoomsGetsNotAllowedAndTheCreatorIsKnown() {
        RoomListing full = new RoomListing() {
            @Override
            public void publish(String room, String name) {
            }

            @Override
            public void withdraw(String room) {
            }

            @Override
            public StanzaError.Condition refuseCreation(String creator, String room) {
                return creator.equals("crone1@shakespeare.lit") ? StanzaError.Condition.NOT_ALLOWED : null;
            }
        };
        room = new Room(BareJid.parseBare(ROOM), settings, "shakespeare.lit", clock, out::add, full);
        assertEquals(StanzaError.Condition.NOT_ALLOWED, errorOf(enter(CRONE, "firstwitch")));
        assertNull(room.creator());
        enter(WITCH, "secondwitch");
        assertEquals("wiccarocks@shakespeare.lit", room.creator());
    }
}
