package chorus.actors.feature.roster;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cell of RFC 6121 Appendix A.2 (outbound) and A.3 (inbound), transcribed from the RFC's tables, plus two
 * rows per table for a contact with no item and for a hidden item that only tracks a request.
 *
 * <p>Columns: existing state | routed or delivered? | new state ("-" for no state change) | roster push? | the
 * further action the RFC demands ("-" for none).
 */
class SubscriptionLogicTest {
    static final BareJid USER = BareJid.parseBare("juliet@example.com");
    static final Jid CONTACT = Jid.parse("romeo@example.net");
    static final String NO_ITEM = "(no item)";
    static final String HIDDEN = "(hidden) None + Pending In";

    @ParameterizedTest(name = "outbound subscribe in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | yes | None + Pending Out     | yes | -",
        "None + Pending Out    | yes | -                      | no  | -",
        "None + Pending In     | yes | None + Pending Out+In  | yes | -",
        "None + Pending Out+In | yes | -                      | no  | -",
        "To                    | yes | -                      | no  | -",
        "To + Pending In       | yes | -                      | no  | -",
        "From                  | yes | From + Pending Out     | yes | -",
        "From + Pending Out    | yes | -                      | no  | -",
        "Both                  | yes | -                      | no  | -",
        "(no item)             | yes | None + Pending Out     | yes | -",
        "(hidden) None + Pending In | yes | None + Pending Out+In | yes | -",
    })
    void outboundSubscribeFollowsAppendixA21(String state, String route, String next, String push, String then) {
        check(SubscriptionLogic::outbound, Presence.Type.SUBSCRIBE, state, route, next, push, then);
    }

    @ParameterizedTest(name = "outbound unsubscribe in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | yes | -                      | no  | -",
        "None + Pending Out    | yes | None                   | yes | -",
        "None + Pending In     | yes | -                      | no  | -",
        "None + Pending Out+In | yes | None + Pending In      | yes | -",
        "To                    | yes | None                   | yes | -",
        "To + Pending In       | yes | None + Pending In      | yes | -",
        "From                  | yes | -                      | no  | -",
        "From + Pending Out    | yes | From                   | yes | -",
        "Both                  | yes | From                   | yes | -",
        "(no item)             | yes | -                      | no  | -",
        "(hidden) None + Pending In | yes | -                 | no  | -",
    })
    void outboundUnsubscribeFollowsAppendixA22(String state, String route, String next, String push, String then) {
        check(SubscriptionLogic::outbound, Presence.Type.UNSUBSCRIBE, state, route, next, push, then);
    }

    @ParameterizedTest(name = "outbound subscribed in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | no  | -                      | no  | -",
        "None + Pending Out    | no  | -                      | no  | -",
        "None + Pending In     | yes | From                   | yes | presence",
        "None + Pending Out+In | yes | From + Pending Out     | yes | presence",
        "To                    | no  | -                      | no  | -",
        "To + Pending In       | yes | Both                   | yes | presence",
        "From                  | no  | -                      | no  | -",
        "From + Pending Out    | no  | -                      | no  | -",
        "Both                  | no  | -                      | no  | -",
        "(no item)             | no  | -                      | no  | -",
        "(hidden) None + Pending In | yes | From              | yes | presence",
    })
    void outboundSubscribedFollowsAppendixA23WithoutPreApproval(String state, String route, String next, String push,
                                                                String then) {
        check(SubscriptionLogic::outbound, Presence.Type.SUBSCRIBED, state, route, next, push, then);
    }

    @ParameterizedTest(name = "outbound unsubscribed in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | no  | -                      | no  | -",
        "None + Pending Out    | no  | -                      | no  | -",
        "None + Pending In     | yes | None                   | no  | -",
        "None + Pending Out+In | yes | None + Pending Out     | no  | -",
        "To                    | no  | -                      | no  | -",
        "To + Pending In       | yes | To                     | no  | -",
        "From                  | yes | None                   | yes | unavailable",
        "From + Pending Out    | yes | None + Pending Out     | yes | unavailable",
        "Both                  | yes | To                     | yes | unavailable",
        "(no item)             | no  | -                      | no  | -",
        "(hidden) None + Pending In | yes | (no item)         | no  | -",
    })
    void outboundUnsubscribedFollowsAppendixA24(String state, String route, String next, String push, String then) {
        check(SubscriptionLogic::outbound, Presence.Type.UNSUBSCRIBED, state, route, next, push, then);
    }

    @ParameterizedTest(name = "inbound subscribe in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | yes | None + Pending In      | no  | -",
        "None + Pending Out    | yes | None + Pending Out+In  | no  | -",
        "None + Pending In     | no  | -                      | no  | -",
        "None + Pending Out+In | no  | -                      | no  | -",
        "To                    | yes | To + Pending In        | no  | -",
        "To + Pending In       | no  | -                      | no  | -",
        "From                  | no  | -                      | no  | auto-subscribed",
        "From + Pending Out    | no  | -                      | no  | auto-subscribed",
        "Both                  | no  | -                      | no  | auto-subscribed",
        "(no item)             | yes | (hidden) None + Pending In | no | -",
        "(hidden) None + Pending In | no | -                  | no  | -",
    })
    void inboundSubscribeFollowsAppendixA31(String state, String deliver, String next, String push, String then) {
        check(SubscriptionLogic::inbound, Presence.Type.SUBSCRIBE, state, deliver, next, push, then);
    }

    @ParameterizedTest(name = "inbound unsubscribe in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | no  | -                      | no  | -",
        "None + Pending Out    | no  | -                      | no  | -",
        "None + Pending In     | yes | None                   | no  | -",
        "None + Pending Out+In | yes | None + Pending Out     | no  | -",
        "To                    | no  | -                      | no  | -",
        "To + Pending In       | yes | To                     | no  | -",
        "From                  | yes | None                   | yes | unavailable",
        "From + Pending Out    | yes | None + Pending Out     | yes | unavailable",
        "Both                  | yes | To                     | yes | unavailable",
        "(no item)             | no  | -                      | no  | -",
        "(hidden) None + Pending In | yes | (no item)         | no  | -",
    })
    void inboundUnsubscribeFollowsAppendixA32(String state, String deliver, String next, String push, String then) {
        check(SubscriptionLogic::inbound, Presence.Type.UNSUBSCRIBE, state, deliver, next, push, then);
    }

    @ParameterizedTest(name = "inbound subscribed in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | no  | -                      | no  | -",
        "None + Pending Out    | yes | To                     | yes | -",
        "None + Pending In     | no  | -                      | no  | -",
        "None + Pending Out+In | yes | To + Pending In        | yes | -",
        "To                    | no  | -                      | no  | -",
        "To + Pending In       | no  | -                      | no  | -",
        "From                  | no  | -                      | no  | -",
        "From + Pending Out    | yes | Both                   | yes | -",
        "Both                  | no  | -                      | no  | -",
        "(no item)             | no  | -                      | no  | -",
        "(hidden) None + Pending In | no | -                  | no  | -",
    })
    void inboundSubscribedFollowsAppendixA33(String state, String deliver, String next, String push, String then) {
        check(SubscriptionLogic::inbound, Presence.Type.SUBSCRIBED, state, deliver, next, push, then);
    }

    @ParameterizedTest(name = "inbound unsubscribed in {0}")
    @CsvSource(delimiter = '|', value = {
        "None                  | no  | -                      | no  | -",
        "None + Pending Out    | yes | None                   | yes | -",
        "None + Pending In     | no  | -                      | no  | -",
        "None + Pending Out+In | yes | None + Pending In      | yes | -",
        "To                    | yes | None                   | yes | -",
        "To + Pending In       | yes | None + Pending In      | yes | -",
        "From                  | no  | -                      | no  | -",
        "From + Pending Out    | yes | From                   | yes | -",
        "Both                  | yes | From                   | yes | -",
        "(no item)             | no  | -                      | no  | -",
        "(hidden) None + Pending In | no | -                  | no  | -",
    })
    void inboundUnsubscribedFollowsAppendixA34(String state, String deliver, String next, String push, String then) {
        check(SubscriptionLogic::inbound, Presence.Type.UNSUBSCRIBED, state, deliver, next, push, then);
    }

    @Test
    void aSubscriptionStanzaFromAFullJidIsAboutTheBareContact() {
        RosterOutcome o = SubscriptionLogic.outbound(Optional.empty(), Presence.Type.SUBSCRIBE,
            Jid.parse("romeo@example.net/orchard"));
        assertEquals(CONTACT, o.contact());
        assertEquals(CONTACT, o.item().orElseThrow().jid());
    }

    @Test
    void aServerOrComponentCanBeSubscribedTo() {
        Jid gateway = Jid.parse("irc.example.net");
        RosterOutcome o = SubscriptionLogic.outbound(Optional.empty(), Presence.Type.SUBSCRIBE, gateway);
        assertEquals(gateway, o.item().orElseThrow().jid());
        assertTrue(o.item().orElseThrow().askOut());
    }

    @Test
    void anItemForAnotherContactIsRefused() {
        Optional<RosterItem> other = Optional.of(RosterItem.of(Jid.parse("tybalt@example.net")));
        assertThrows(IllegalArgumentException.class,
            () -> SubscriptionLogic.inbound(other, Presence.Type.SUBSCRIBE, CONTACT));
    }

    @Test
    void presenceThatIsNotAboutSubscriptionsIsRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> SubscriptionLogic.outbound(Optional.empty(), Presence.Type.PROBE, CONTACT));
    }

    @Test
    void subscriptionStanzasToTheUsersOwnAddressAreDropped() {
        for (Presence.Type type : List.of(Presence.Type.SUBSCRIBE, Presence.Type.SUBSCRIBED,
                Presence.Type.UNSUBSCRIBE, Presence.Type.UNSUBSCRIBED)) {
            RosterOutcome out = SubscriptionLogic.outbound(USER, Roster.empty(), RosterLimits.DEFAULT, type,
                USER.withResource("balcony"));
            assertFalse(out.forward() || out.stateChanged(), type.name());
            RosterOutcome in = SubscriptionLogic.inbound(USER, Roster.empty(), RosterLimits.DEFAULT, type, USER);
            assertFalse(in.forward() || in.stateChanged(), type.name());
        }
    }

    @Test
    void subscribingFromAFullRosterIsNotAllowedButAnExistingContactCanStillBeAsked() {
        RosterLimits one = new RosterLimits(1, 1, 100, 100, 5);
        Roster full = Roster.empty().put(RosterItem.of(CONTACT));
        StanzaException e = assertThrows(StanzaException.class, () -> SubscriptionLogic.outbound(USER, full, one,
            Presence.Type.SUBSCRIBE, Jid.parse("tybalt@example.net")));
        assertEquals(StanzaError.Condition.NOT_ALLOWED, e.error().condition());
        assertTrue(SubscriptionLogic.outbound(USER, full, one, Presence.Type.SUBSCRIBE, CONTACT).forward());
    }

    @Test
    void requestsFromStrangersStopBeingKeptAtTheLimitButContactsStillGetThrough() {
        RosterLimits oneRequest = new RosterLimits(10, 1, 100, 100, 5);
        Roster roster = Roster.empty().put(RosterItem.trackingRequest(Jid.parse("tybalt@example.net")))
            .put(RosterItem.of(CONTACT));
        RosterOutcome stranger = SubscriptionLogic.inbound(USER, roster, oneRequest, Presence.Type.SUBSCRIBE,
            Jid.parse("paris@example.net"));
        assertFalse(stranger.forward() || stranger.stateChanged());
        RosterOutcome contact = SubscriptionLogic.inbound(USER, roster, oneRequest, Presence.Type.SUBSCRIBE, CONTACT);
        assertTrue(contact.forward() && contact.stateChanged());
    }

    @Test
    void removingAMutualContactUnsubscribesAndCancelsThenSendsUnavailable() {
        RosterOutcome o = SubscriptionLogic.removal(item("Both"));
        assertEquals(Optional.empty(), o.item());
        assertTrue(o.stateChanged() && o.rosterChanged());
        assertEquals(List.of(Presence.Type.UNSUBSCRIBE, Presence.Type.UNSUBSCRIBED), o.toContact());
        assertTrue(o.sendUnavailableToContact());
        assertFalse(o.forward());
    }

    @ParameterizedTest(name = "removing {0} sends {1}")
    @CsvSource(delimiter = '|', value = {
        "None                  | ''                         | no",
        "None + Pending Out    | UNSUBSCRIBE                | no",
        "None + Pending In     | UNSUBSCRIBED               | no",
        "None + Pending Out+In | UNSUBSCRIBE UNSUBSCRIBED   | no",
        "To                    | UNSUBSCRIBE                | no",
        "To + Pending In       | UNSUBSCRIBE UNSUBSCRIBED   | no",
        "From                  | UNSUBSCRIBED               | yes",
        "From + Pending Out    | UNSUBSCRIBE UNSUBSCRIBED   | yes",
        "Both                  | UNSUBSCRIBE UNSUBSCRIBED   | yes",
    })
    void removingAContactEndsEverySubscriptionAndRequestWithIt(String state, String sends, String unavailable) {
        RosterOutcome o = SubscriptionLogic.removal(item(state));
        List<Presence.Type> expected = sends.isEmpty() ? List.of()
            : java.util.Arrays.stream(sends.split(" ")).map(Presence.Type::valueOf).toList();
        assertEquals(expected, o.toContact());
        assertEquals(unavailable.equals("yes"), o.sendUnavailableToContact());
        assertTrue(o.rosterChanged());
    }

    @Test
    void pendingRequestsAreRedeliveredAsSubscribeFromEachContact() {
        Roster roster = Roster.empty().put(item("None + Pending In"))
            .put(RosterItem.trackingRequest(Jid.parse("tybalt@example.net")))
            .put(RosterItem.of(Jid.parse("nurse@example.com")));
        List<Presence> requests = SubscriptionLogic.pendingRequests(USER, roster);
        assertEquals(List.of(
            Presence.of(CONTACT, USER, Presence.Type.SUBSCRIBE),
            Presence.of(Jid.parse("tybalt@example.net"), USER, Presence.Type.SUBSCRIBE)), requests);
    }

    // --- the table machinery ---

    interface Logic {
        RosterOutcome apply(Optional<RosterItem> current, Presence.Type type, Jid contact);
    }

    private static void check(Logic logic, Presence.Type type, String state, String passes, String next, String push,
                              String then) {
        RosterItem before = state.equals(NO_ITEM) ? null : item(state);
        RosterOutcome o = logic.apply(Optional.ofNullable(before), type, CONTACT);

        RosterItem expected = next.equals("-") ? before : expectedAfter(before, next);
        assertEquals(Optional.ofNullable(expected), o.item(), "new state");
        assertEquals(!next.equals("-"), o.stateChanged(), "state changed");
        assertEquals(passes.equals("yes"), o.forward(), "routed or delivered");
        assertEquals(push.equals("yes"), o.rosterChanged(), "roster push");
        assertEquals(then.equals("unavailable"), o.sendUnavailableToContact(), "unavailable to contact");
        assertEquals(then.equals("presence"), o.sendPresenceToContact() && !o.autoReplySubscribed(),
            "current presence to contact");
        assertEquals(then.equals("auto-subscribed"), o.autoReplySubscribed(), "auto-reply subscribed");
        if (o.autoReplySubscribed()) {
            assertEquals(List.of(Presence.Type.SUBSCRIBED), o.toContact());
            assertTrue(o.sendPresenceToContact(), "an auto-reply is followed by the user's presence");
        } else {
            assertEquals(List.of(), o.toContact());
        }
        assertEquals(CONTACT, o.contact());
    }

    /** The item a user added earlier, named and grouped so the tests see those survive every transition. */
    static RosterItem item(String state) {
        if (state.equals(HIDDEN)) {
            return RosterItem.trackingRequest(CONTACT);
        }
        return withState(RosterItem.of(CONTACT).withName("Romeo").withGroups(List.of("Friends")), state);
    }

    private static RosterItem expectedAfter(RosterItem before, String next) {
        if (next.equals(NO_ITEM)) {
            return null;
        }
        if (next.equals(HIDDEN)) {
            return RosterItem.trackingRequest(CONTACT);
        }
        // Any state the user acts on is visible; a hidden item has no name or groups to carry over.
        RosterItem base = before == null || before.hidden() ? RosterItem.of(CONTACT) : before;
        return withState(base, next);
    }

    /** Appendix A.1's state names. */
    private static RosterItem withState(RosterItem item, String state) {
        switch (state) {
            case "None": return item.withState(Subscription.NONE, false, false);
            case "None + Pending Out": return item.withState(Subscription.NONE, true, false);
            case "None + Pending In": return item.withState(Subscription.NONE, false, true);
            case "None + Pending Out+In": return item.withState(Subscription.NONE, true, true);
            case "To": return item.withState(Subscription.TO, false, false);
            case "To + Pending In": return item.withState(Subscription.TO, false, true);
            case "From": return item.withState(Subscription.FROM, false, false);
            case "From + Pending Out": return item.withState(Subscription.FROM, true, false);
            case "Both": return item.withState(Subscription.BOTH, false, false);
            default: throw new IllegalArgumentException(state);
        }
    }
}
