package chorus.actors.feature.roster;

import chorus.actors.xmpp.Jid;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RosterTest {
    static final Jid ROMEO = Jid.parse("romeo@example.net");
    static final Jid NURSE = Jid.parse("nurse@example.com");
    static final Jid TYBALT = Jid.parse("tybalt@example.net");

    @Test
    void anItemIsFoundByTheBareFormOfAnyOfTheContactsAddresses() {
        Roster roster = Roster.empty().put(RosterItem.of(ROMEO));
        assertEquals(ROMEO, roster.get(Jid.parse("romeo@example.net/orchard")).orElseThrow().jid());
        assertEquals(Optional.empty(), roster.get(NURSE));
    }

    @Test
    void itemsAreListedInAddressOrderWithoutHiddenOnes() {
        Roster roster = Roster.empty().put(RosterItem.of(ROMEO)).put(RosterItem.of(NURSE))
            .put(RosterItem.trackingRequest(TYBALT));
        assertEquals(List.of(NURSE, ROMEO), roster.list().stream().map(RosterItem::jid).toList());
        assertEquals(2, roster.size());
        assertEquals(1, roster.unlistedRequests());
        assertTrue(roster.get(TYBALT).isPresent(), "the state machine still finds the hidden item");
    }

    @Test
    void everyChangeClientsCanSeeMovesTheVersionAndNothingElseDoes() {
        Roster r0 = Roster.empty();
        Roster r1 = r0.put(RosterItem.of(ROMEO));
        assertNotEquals(r0.version(), r1.version());
        Roster r2 = r1.put(RosterItem.of(ROMEO).withName("Romeo"));
        assertNotEquals(r1.version(), r2.version());
        Roster r3 = r2.put(r2.get(ROMEO).orElseThrow().withState(Subscription.NONE, false, true));
        assertEquals(r2.version(), r3.version(), "pending-in is invisible to clients");
        assertNotEquals(r2, r3, "but it is stored");
        Roster r4 = r3.put(RosterItem.trackingRequest(TYBALT));
        assertEquals(r3.version(), r4.version(), "a hidden item is invisible to clients");
        Roster r5 = r4.put(RosterItem.trackingRequest(TYBALT).shown());
        assertNotEquals(r4.version(), r5.version(), "showing an item is a change");
        Roster r6 = r5.remove(ROMEO);
        assertNotEquals(r5.version(), r6.version());
        assertSame(r6, r6.remove(ROMEO), "removing what is not there changes nothing");
        assertSame(r6, r6.put(r6.get(TYBALT).orElseThrow()), "storing the same item changes nothing");
    }

    @Test
    void aHiddenItemThatNoLongerTracksARequestIsDropped() {
        Roster roster = Roster.empty().put(RosterItem.trackingRequest(TYBALT));
        Roster answered = roster.put(roster.get(TYBALT).orElseThrow().withState(Subscription.NONE, false, false));
        assertEquals(Optional.empty(), answered.get(TYBALT));
    }

    @Test
    void applyingAnOutcomeStoresTheItemOrRemovesIt() {
        Roster roster = Roster.empty().apply(ROMEO, Optional.of(RosterItem.of(ROMEO)));
        assertTrue(roster.get(ROMEO).isPresent());
        assertFalse(roster.apply(ROMEO, Optional.empty()).get(ROMEO).isPresent());
    }

    @Test
    void pendingRequestsIncludeContactsAndStrangers() {
        Roster roster = Roster.empty()
            .put(RosterItem.of(ROMEO).withState(Subscription.TO, false, true))
            .put(RosterItem.trackingRequest(TYBALT))
            .put(RosterItem.of(NURSE).withState(Subscription.NONE, true, false));
        assertEquals(List.of(ROMEO, TYBALT), roster.pendingIn());
    }

    @Test
    void anItemKeepsItsGroupsInOrderWithoutDuplicates() {
        RosterItem item = RosterItem.of(ROMEO).withGroups(List.of("Friends", "Montague", "Friends"));
        assertEquals(List.of("Friends", "Montague"), item.groups());
    }

    @Test
    void anItemCannotHoldAStateAppendixADoesNotHave() {
        RosterItem both = RosterItem.of(ROMEO).withState(Subscription.BOTH, true, true);
        assertFalse(both.askOut(), "no pending out once subscribed");
        assertFalse(both.pendingIn(), "no pending in once the contact is subscribed");
        RosterItem hiddenTo = RosterItem.trackingRequest(ROMEO).withState(Subscription.TO, false, true);
        assertFalse(hiddenTo.hidden(), "an item with a subscription is always shown");
    }

    @Test
    void anItemIsForABareOrDomainAddressOnly() {
        assertThrows(IllegalArgumentException.class, () -> RosterItem.of(Jid.parse("romeo@example.net/orchard")));
        assertEquals(Jid.parse("irc.example.net"), RosterItem.of(Jid.parse("irc.example.net")).jid());
    }

    @Test
    void anEmptyNameIsNoName() {
        assertEquals(null, RosterItem.of(ROMEO).withName("").name());
    }

    @Test
    void printingAnItemShowsTheAddressAndStateButNotNameOrGroups() {
        RosterItem item = RosterItem.of(ROMEO).withName("My Secret Love").withGroups(List.of("Capulet enemies"))
            .withState(Subscription.FROM, true, false);
        String s = item.toString();
        assertTrue(s.contains("romeo@example.net") && s.contains("from") && s.contains("pending-out"), s);
        assertFalse(s.contains("Secret") || s.contains("Capulet"), s);
    }

    @Test
    void aRosterSurvivesAJsonRoundTripWithItsVersion() throws Exception {
        Roster roster = Roster.empty()
            .put(RosterItem.of(ROMEO).withName("Romeo").withGroups(List.of("Friends", "Lovers"))
                .withState(Subscription.FROM, true, false))
            .put(RosterItem.of(Jid.parse("irc.example.net")))
            .put(RosterItem.trackingRequest(TYBALT));
        ObjectMapper mapper = new ObjectMapper();
        String json = mapper.writeValueAsString(roster);
        Roster back = mapper.readValue(json, Roster.class);
        assertEquals(roster, back);
        assertEquals(roster.version(), back.version());
        assertFalse(json.contains("\"empty\"") || json.contains("\"size\""), json);
    }
}
