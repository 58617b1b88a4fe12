package chorus.actors.feature.roster;

import chorus.actors.feature.roster.RosterHandler.Result;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RosterHandlerTest {
    static final BareJid JULIET = BareJid.parseBare("juliet@example.com");
    static final Jid CHAMBER = JULIET.withResource("chamber");
    static final Jid ROMEO = Jid.parse("romeo@example.net");
    static final Jid NURSE = Jid.parse("nurse@example.com");
    static final RosterLimits LIMITS = new RosterLimits(3, 10, 20, 10, 3);

    static final Roster ROSTER = Roster.empty()
        .put(RosterItem.of(ROMEO).withName("Romeo").withGroups(List.of("Friends"))
            .withState(Subscription.BOTH, false, false))
        .put(RosterItem.of(NURSE).withName("Nurse").withState(Subscription.NONE, true, true));

    // --- get ---

    @Test
    void aRosterGetReturnsTheWholeRosterWithItsVersion() {
        Result r = handle(get(null), ROSTER);
        Iq reply = assertInstanceOf(Result.Fetched.class, r).reply();
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals("r1", reply.id());
        assertEquals(CHAMBER, reply.to());
        Element query = reply.payload().orElseThrow();
        assertEquals(ROSTER.version(), query.attr("ver"));
        assertEquals(List.of("nurse@example.com", "romeo@example.net"),
            query.elements("item", RosterXml.NS).stream().map(i -> i.attr("jid")).toList());
    }

    @Test
    void aRosterGetWithTheCurrentVersionGetsAnEmptyResult() {
        Iq reply = assertInstanceOf(Result.Fetched.class, handle(get(ROSTER.version()), ROSTER)).reply();
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals(List.of(), reply.children());
    }

    @Test
    void aRosterGetWithAStaleOrEmptyVersionGetsTheWholeRoster() {
        for (String ver : List.of("", "0", "999")) {
            Iq reply = assertInstanceOf(Result.Fetched.class, handle(get(ver), ROSTER)).reply();
            assertEquals(2, reply.payload().orElseThrow().elements("item", RosterXml.NS).size(), ver);
        }
    }

    @Test
    void anotherAccountMayNeitherReadNorChangeTheRoster() {
        Jid romeo = Jid.parse("romeo@example.net/orchard");
        Iq get = Iq.of(romeo, JULIET, "x", Iq.Type.GET, Element.of("query", RosterXml.NS));
        assertError(Condition.FORBIDDEN, RosterHandler.handle(get, JULIET, ROSTER, LIMITS));
        Iq set = set(item("tybalt@example.net").get()).withFrom(romeo);
        assertError(Condition.FORBIDDEN, RosterHandler.handle(set, JULIET, ROSTER, LIMITS));
    }

    @Test
    void onlyRosterGetsAndSetsAreOwned() {
        assertTrue(RosterHandler.owns(get(null)));
        assertTrue(RosterHandler.owns(set(item("romeo@example.net").get())));
        assertFalse(RosterHandler.owns(get(null).result()));
        assertFalse(RosterHandler.owns(Iq.of(CHAMBER, null, "p", Iq.Type.GET, Element.of("ping", "urn:xmpp:ping"))));
    }

    // --- set: add and update ---

    @Test
    void aRosterSetAddsAContactWithoutSubscription() {
        RosterOutcome o = changed(set(item("tybalt@example.net").attr("name", "Tybalt")
            .child(group("Capulets")).child(group("Enemies")).get()), ROSTER);
        RosterItem item = o.item().orElseThrow();
        assertEquals(Jid.parse("tybalt@example.net"), item.jid());
        assertEquals("Tybalt", item.name());
        assertEquals(List.of("Capulets", "Enemies"), item.groups());
        assertEquals(Subscription.NONE, item.subscription());
        assertFalse(item.askOut() || item.pendingIn() || item.hidden());
        assertTrue(o.stateChanged() && o.rosterChanged());
        assertFalse(o.forward());
        assertEquals(List.of(), o.toContact());
    }

    @Test
    void theReplyToASetIsAnEmptyResult() {
        Result.Changed c = assertInstanceOf(Result.Changed.class,
            handle(set(item("tybalt@example.net").get()), ROSTER));
        assertEquals(Iq.Type.RESULT, c.reply().type());
        assertEquals("s1", c.reply().id());
        assertEquals(CHAMBER, c.reply().to());
        assertEquals(List.of(), c.reply().children());
    }

    @Test
    void aRosterSetChangesNameAndGroupsButNeverTheSubscriptionState() {
        RosterOutcome o = changed(set(item("nurse@example.com").attr("name", "Angelica")
            .attr("subscription", "both").attr("ask", "unsubscribe").child(group("Household")).get()), ROSTER);
        RosterItem item = o.item().orElseThrow();
        assertEquals("Angelica", item.name());
        assertEquals(List.of("Household"), item.groups());
        assertEquals(Subscription.NONE, item.subscription());
        assertTrue(item.askOut() && item.pendingIn(), "pending out and pending in stay");
        assertTrue(o.rosterChanged());
    }

    @Test
    void aRosterSetWithoutNameOrGroupsClearsThem() {
        RosterItem item = changed(set(item("romeo@example.net").attr("name", "").get()), ROSTER).item().orElseThrow();
        assertNull(item.name());
        assertEquals(List.of(), item.groups());
        assertEquals(Subscription.BOTH, item.subscription());
    }

    @Test
    void settingAnItemToWhatItAlreadyIsChangesNothing() {
        RosterOutcome o = changed(set(item("romeo@example.net").attr("name", "Romeo").child(group("Friends")).get()),
            ROSTER);
        assertFalse(o.stateChanged() || o.rosterChanged());
    }

    @Test
    void addingSomeoneWhoseRequestIsPendingShowsTheItemAndKeepsTheRequest() {
        Jid tybalt = Jid.parse("tybalt@example.net");
        Roster roster = ROSTER.put(RosterItem.trackingRequest(tybalt));
        RosterOutcome o = changed(set(item("tybalt@example.net").get()), roster);
        RosterItem item = o.item().orElseThrow();
        assertFalse(item.hidden());
        assertTrue(item.pendingIn());
        assertTrue(o.rosterChanged());
    }

    @Test
    void aServerOrComponentCanBeAContact() {
        assertEquals(Jid.parse("irc.example.net"),
            changed(set(item("irc.example.net").get()), ROSTER).item().orElseThrow().jid());
    }

    @Test
    void limitsAreMeasuredInUtf8BytesAndTheLimitItselfIsAllowed() {
        String twentyBytes = "ééééééééé" + "xx"; // 9 two-byte characters + 2
        assertInstanceOf(Result.Changed.class, handle(set(item("tybalt@example.net").attr("name", twentyBytes).get()),
            ROSTER));
        assertError(Condition.NOT_ACCEPTABLE, handle(set(item("tybalt@example.net").attr("name", twentyBytes + "x")
            .get()), ROSTER));
        assertInstanceOf(Result.Changed.class, handle(set(item("tybalt@example.net").child(group("ééééé")).get()),
            ROSTER));
        assertError(Condition.NOT_ACCEPTABLE, handle(set(item("tybalt@example.net").child(group("éééééx")).get()),
            ROSTER));
    }

    @Test
    void aFullRosterTakesNoNewContactButExistingOnesCanStillChange() {
        Roster full = ROSTER.put(RosterItem.of(Jid.parse("mercutio@example.com")))
            .put(RosterItem.trackingRequest(Jid.parse("paris@example.net")));
        assertError(Condition.NOT_ALLOWED, handle(set(item("tybalt@example.net").get()), full));
        assertError(Condition.NOT_ALLOWED, handle(set(item("paris@example.net").get()), full));
        assertInstanceOf(Result.Changed.class, handle(set(item("romeo@example.net").attr("name", "R").get()), full));
    }

    // --- set: errors of RFC 6121 §2.3.3 ---

    @Test
    void aSetWithoutExactlyOneItemIsABadRequest() {
        assertError(Condition.BAD_REQUEST, handle(set(), ROSTER));
        assertError(Condition.BAD_REQUEST, handle(set(item("tybalt@example.net").get(),
            item("paris@example.net").get()), ROSTER));
    }

    @Test
    void duplicateGroupsAreABadRequest() {
        assertError(Condition.BAD_REQUEST, handle(set(item("tybalt@example.net")
            .child(group("Capulets")).child(group("Capulets")).get()), ROSTER));
    }

    @Test
    void anEmptyGroupIsNotAcceptable() {
        assertError(Condition.NOT_ACCEPTABLE, handle(set(item("tybalt@example.net").child(group("")).get()), ROSTER));
    }

    @Test
    void tooManyGroupsAreNotAcceptable() {
        assertError(Condition.NOT_ACCEPTABLE, handle(set(item("tybalt@example.net").child(group("a"))
            .child(group("b")).child(group("c")).child(group("d")).get()), ROSTER));
    }

    @Test
    void anItemWithoutJidIsABadRequestAndAMalformedOneIsJidMalformed() {
        assertError(Condition.BAD_REQUEST, handle(set(Element.build("item", RosterXml.NS).get()), ROSTER));
        assertError(Condition.JID_MALFORMED, handle(set(item("@example.net").get()), ROSTER));
    }

    @Test
    void anItemWithAResourceIsABadRequest() {
        assertError(Condition.BAD_REQUEST, handle(set(item("romeo@example.net/orchard").get()), ROSTER));
    }

    @Test
    void theAccountCannotAddItself() {
        assertError(Condition.NOT_ALLOWED, handle(set(item("juliet@example.com").get()), ROSTER));
    }

    @Test
    void errorsCarryTheTypeOfTheirCondition() {
        Iq reply = assertInstanceOf(Result.Failed.class, handle(set(), ROSTER)).reply();
        Element error = reply.children().stream().filter(n -> n instanceof Element e && e.name().equals("error"))
            .map(Element.class::cast).findFirst().orElseThrow();
        assertEquals("modify", error.attr("type"));
        assertEquals("s1", reply.id());
        assertEquals(CHAMBER, reply.to());
    }

    @Test
    void printingAParsedSetShowsTheAddressButNotNameOrGroups() {
        String s = new RosterSet.Update(ROMEO, "My Secret Love", List.of("Capulet")).toString();
        assertTrue(s.contains("romeo@example.net"), s);
        assertFalse(s.contains("Secret") || s.contains("Capulet"), s);
    }

    // --- set: remove ---

    @Test
    void removingAMutualContactRemovesItAndEndsBothSubscriptions() {
        RosterOutcome o = changed(set(item("romeo@example.net").attr("subscription", "remove").get()), ROSTER);
        assertEquals(Optional.empty(), o.item());
        assertEquals(ROMEO, o.contact());
        assertTrue(o.stateChanged() && o.rosterChanged());
        assertEquals(List.of(Presence.Type.UNSUBSCRIBE, Presence.Type.UNSUBSCRIBED), o.toContact());
        assertTrue(o.sendUnavailableToContact());
    }

    @Test
    void removingAContactWithPendingRequestsWithdrawsAndDeniesThem() {
        RosterOutcome o = changed(set(item("nurse@example.com").attr("subscription", "remove").get()), ROSTER);
        assertEquals(List.of(Presence.Type.UNSUBSCRIBE, Presence.Type.UNSUBSCRIBED), o.toContact());
        assertFalse(o.sendUnavailableToContact(), "the nurse never received presence");
    }

    @Test
    void removingAContactThatIsNotThereIsItemNotFound() {
        assertError(Condition.ITEM_NOT_FOUND,
            handle(set(item("tybalt@example.net").attr("subscription", "remove").get()), ROSTER));
        Roster withRequest = ROSTER.put(RosterItem.trackingRequest(Jid.parse("tybalt@example.net")));
        assertError(Condition.ITEM_NOT_FOUND,
            handle(set(item("tybalt@example.net").attr("subscription", "remove").get()), withRequest));
    }

    @Test
    void theRemovalIsNamedByItsSubscriptionAttributeAloneSoGroupsDoNotMatter() {
        RosterOutcome o = changed(set(item("romeo@example.net").attr("subscription", "remove")
            .child(group("")).get()), ROSTER);
        assertEquals(Optional.empty(), o.item());
    }

    // --- helpers ---

    static Result handle(Iq iq, Roster roster) {
        return RosterHandler.handle(iq, JULIET, roster, LIMITS);
    }

    static RosterOutcome changed(Iq iq, Roster roster) {
        return assertInstanceOf(Result.Changed.class, handle(iq, roster)).outcome();
    }

    static void assertError(Condition condition, Result result) {
        Iq reply = assertInstanceOf(Result.Failed.class, result).reply();
        assertEquals(Iq.Type.ERROR, reply.type());
        assertEquals(condition, StanzaError.conditionOf(reply));
    }

    static Iq get(String ver) {
        return Iq.of(CHAMBER, null, "r1", Iq.Type.GET, Element.build("query", RosterXml.NS).attr("ver", ver).get());
    }

    static Iq set(Element... items) {
        return Iq.of(CHAMBER, null, "s1", Iq.Type.SET,
            Element.build("query", RosterXml.NS).children(new ArrayList<>(List.of(items))).get());
    }

    static Element.Builder item(String jid) {
        return Element.build("item", RosterXml.NS).attr("jid", jid);
    }

    static Element group(String name) {
        return name.isEmpty() ? Element.of("group", RosterXml.NS) : Element.build("group", RosterXml.NS).text(name).get();
    }
}
