package chorus.actors.muc;

import chorus.actors.ManualClock;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.ResultSet;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service's own address: the room list a page at a time (XEP-0059), and each occupant's rate of entering rooms. */
class MucServiceTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T12:00:00Z"));
    final List<Stanza> routed = new ArrayList<>();
    final List<Stanza> toRooms = new ArrayList<>();
    final TreeMap<String, String> listed = new TreeMap<>();
    final MucSettings settings = MucSettings.defaults().withLimits(20, 1000, 2, 10, 100);
    final MucService service = new MucService(new DomainJid("chat.example.org"), routed::add, () -> listed,
        (room, s) -> toRooms.add(s), settings, clock);

    MucServiceTest() {
        for (int i = 0; i < 250; i++) {
            listed.put(String.format("room%03d@chat.example.org", i), "Room " + i);
        }
    }

    Element items(String set) {
        routed.clear();
        service.accept(Stanza.fromElement(Xml.parse("<iq from='a@example.org/r' to='chat.example.org' type='get' id='i'>"
            + "<query xmlns='http://jabber.org/protocol/disco#items'>" + set + "</query></iq>")));
        assertEquals(1, routed.size());
        return routed.get(0).child("query", "http://jabber.org/protocol/disco#items").orElseThrow();
    }

    static List<String> jids(Element q) {
        return q.elements("item", "http://jabber.org/protocol/disco#items").stream().map(e -> e.attr("jid")).toList();
    }

    static String rsm(Element q, String child) {
        return q.child("set", ResultSet.NS).orElseThrow().childText(child, ResultSet.NS).orElse(null);
    }

    @Test
    void aLongRoomListComesAPageAtATimeEvenUnasked() {
        Element first = items("");
        assertEquals(100, jids(first).size(), "never more than the service's page");
        assertEquals("room000@chat.example.org", jids(first).get(0));
        assertEquals("250", rsm(first, "count"));
        assertEquals("room099@chat.example.org", rsm(first, "last"));

        Element next = items("<set xmlns='http://jabber.org/protocol/rsm'><max>100</max><after>room099@chat.example.org</after></set>");
        assertEquals("room100@chat.example.org", jids(next).get(0));
        assertEquals("100", next.child("set", ResultSet.NS).orElseThrow().child("first", ResultSet.NS).orElseThrow()
            .attr("index"));

        Element last = items("<set xmlns='http://jabber.org/protocol/rsm'><max>30</max><before/></set>");
        assertEquals(30, jids(last).size());
        assertEquals("room249@chat.example.org", rsm(last, "last"));

        Element back = items("<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before>room010@chat.example.org</before></set>");
        assertEquals("room000@chat.example.org", jids(back).get(0));
        assertEquals(10, jids(back).size());

        Element tooMany = items("<set xmlns='http://jabber.org/protocol/rsm'><max>100000</max></set>");
        assertEquals(100, jids(tooMany).size(), "a client's max is capped by the service's page");

        Element count = items("<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>");
        assertEquals(List.of(), jids(count));
        assertEquals("250", rsm(count, "count"));
    }

    @Test
    void aShortListNeedsNoSetAndABadSetIsABadRequest() {
        listed.clear();
        listed.put("only@chat.example.org", "Only");
        Element q = items("");
        assertEquals(List.of("only@chat.example.org"), jids(q));
        assertTrue(q.child("set", ResultSet.NS).isEmpty());
        routed.clear();
        service.accept(Stanza.fromElement(Xml.parse("<iq from='a@example.org/r' to='chat.example.org' type='get' id='i'>"
            + "<query xmlns='http://jabber.org/protocol/disco#items'><set xmlns='http://jabber.org/protocol/rsm'>"
            + "<max>-1</max></set></query></iq>")));
        assertEquals(StanzaError.Condition.BAD_REQUEST, StanzaError.conditionOf(routed.get(0)));
    }

    Stanza join(String room) {
        return Stanza.fromElement(Xml.parse("<presence from='flood@example.org/r' to='" + room + "@chat.example.org/nick'>"
            + "<x xmlns='http://jabber.org/protocol/muc'/></presence>"));
    }

    @Test
    void anOccupantEnteringRoomsTooFastGetsResourceConstraintAndMayGoOnASecondLater() {
        // 2 a second, 10 at once
        for (int i = 0; i < 14; i++) {
            service.accept(join("r" + i));
        }
        assertEquals(10, toRooms.size());
        assertEquals(4, routed.size());
        for (Stanza s : routed) {
            assertEquals(StanzaError.Condition.RESOURCE_CONSTRAINT, StanzaError.conditionOf(s));
            assertEquals("presence", s.kind());
        }
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        service.accept(join("later1"));
        service.accept(join("later2"));
        service.accept(join("later3"));
        assertEquals(12, toRooms.size());
        // presence updates in a room (no MUC payload) are not joins
        for (int i = 0; i < 20; i++) {
            service.accept(Stanza.fromElement(Xml.parse("<presence from='flood@example.org/r' to='r1@chat.example.org/nick'>"
                + "<show>away</show></presence>")));
        }
        assertEquals(32, toRooms.size());
    }
}
