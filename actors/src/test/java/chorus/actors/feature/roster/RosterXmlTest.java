package chorus.actors.feature.roster;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.XmlWriter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RosterXmlTest {
    static final Jid ROMEO = Jid.parse("romeo@example.net");
    static final FullJid CHAMBER = FullJid.class.cast(Jid.parse("juliet@example.com/chamber"));

    @Test
    void anItemCarriesJidNameSubscriptionAndGroupsInOrder() {
        RosterItem item = RosterItem.of(ROMEO).withName("Romeo").withGroups(List.of("Friends", "Lovers"))
            .withState(Subscription.BOTH, false, false);
        Element e = RosterXml.item(item);
        assertEquals("item", e.name());
        assertEquals(RosterXml.NS, e.ns());
        assertEquals(Map.of("jid", "romeo@example.net", "name", "Romeo", "subscription", "both"), e.attrs());
        assertEquals(List.of("Friends", "Lovers"),
            e.elements("group", RosterXml.NS).stream().map(Element::text).toList());
        assertEquals(2, e.children().size());
    }

    @Test
    void pendingOutIsShownAsAskSubscribeAndPendingInIsNotShown() {
        Element out = RosterXml.item(RosterItem.of(ROMEO).withState(Subscription.NONE, true, true));
        assertEquals(Map.of("jid", "romeo@example.net", "subscription", "none", "ask", "subscribe"), out.attrs());
        Element in = RosterXml.item(RosterItem.of(ROMEO).withState(Subscription.TO, false, true));
        assertEquals(Map.of("jid", "romeo@example.net", "subscription", "to"), in.attrs());
        assertEquals(List.of(), in.children());
    }

    @Test
    void theRosterIsWrittenLikeTheRfcExample() {
        Roster roster = Roster.empty()
            .put(RosterItem.of(ROMEO).withName("Romeo").withGroups(List.of("Friends"))
                .withState(Subscription.BOTH, false, false))
            .put(RosterItem.of(Jid.parse("mercutio@example.com")).withName("Mercutio")
                .withState(Subscription.FROM, false, false))
            .put(RosterItem.of(Jid.parse("benvolio@example.net")).withName("Benvolio")
                .withState(Subscription.NONE, true, false))
            .put(RosterItem.trackingRequest(Jid.parse("tybalt@example.net")));
        String xml = XmlWriter.toXml(RosterXml.query(roster), Ns.CLIENT);
        assertEquals("<query xmlns=\"jabber:iq:roster\" ver=\"" + roster.version() + "\">"
            + "<item jid=\"benvolio@example.net\" name=\"Benvolio\" subscription=\"none\" ask=\"subscribe\"/>"
            + "<item jid=\"mercutio@example.com\" name=\"Mercutio\" subscription=\"from\"/>"
            + "<item jid=\"romeo@example.net\" name=\"Romeo\" subscription=\"both\"><group>Friends</group></item>"
            + "</query>", xml);
    }

    @Test
    void anEmptyRosterIsAnEmptyQueryWithAVersion() {
        Element q = RosterXml.query(Roster.empty());
        assertEquals(Map.of("ver", "0"), q.attrs());
        assertEquals(List.of(), q.children());
    }

    @Test
    void aPushIsAnIqSetToOneResourceWithoutFrom() {
        RosterItem item = RosterItem.of(ROMEO).withName("Romeo").withState(Subscription.TO, false, false);
        Iq push = RosterXml.push(CHAMBER, "push1", ROMEO, Optional.of(item), "7");
        assertEquals(Iq.Type.SET, push.type());
        assertEquals(CHAMBER, push.to());
        assertNull(push.from());
        assertEquals("push1", push.id());
        assertEquals("<iq to=\"juliet@example.com/chamber\" id=\"push1\" type=\"set\">"
            + "<query xmlns=\"jabber:iq:roster\" ver=\"7\">"
            + "<item jid=\"romeo@example.net\" name=\"Romeo\" subscription=\"to\"/>"
            + "</query></iq>", XmlWriter.toXml(push.toElement(Ns.CLIENT), Ns.CLIENT));
    }

    @Test
    void aRemovalIsPushedAsSubscriptionRemove() {
        Iq push = RosterXml.push(CHAMBER, "push2", Jid.parse("romeo@example.net/orchard"), Optional.empty(), "8");
        Element item = push.payload().orElseThrow().child("item", RosterXml.NS).orElseThrow();
        assertEquals(Map.of("jid", "romeo@example.net", "subscription", "remove"), item.attrs());
        Iq hidden = RosterXml.push(CHAMBER, "push3", ROMEO, Optional.of(RosterItem.trackingRequest(ROMEO)), "8");
        assertEquals("remove", hidden.payload().orElseThrow().child("item", RosterXml.NS).orElseThrow()
            .attr("subscription"), "a hidden item is never shown, even by mistake");
    }

    @Test
    void theVersioningFeatureIsTheRosterverElement() {
        assertEquals("<ver xmlns=\"urn:xmpp:features:rosterver\"/>",
            XmlWriter.toXml(RosterXml.VERSIONING_FEATURE, Ns.STREAMS));
    }
}
