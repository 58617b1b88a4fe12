package chorus.actors.feature.roster;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The presence subscription state machine of RFC 6121 §3 and Appendix A, as pure functions: the current item for a
 * contact and a subscription stanza in, a {@link RosterOutcome} out. "Outbound" is a stanza the user sent to the
 * contact (Appendix A.2), "inbound" one the contact sent to the user (A.3).
 *
 * <p>Subscription pre-approval (§3.4) is not supported: an outbound "subscribed" without a pending request is
 * neither routed nor stored, so the "pre-approval" cells of Appendix A.2.3 read "no state change".
 */
public final class SubscriptionLogic {

    private SubscriptionLogic() {
    }

    /** The four flags Appendix A.1 builds its nine states from. */
    private record State(boolean to, boolean from, boolean out, boolean in) {
        static State of(RosterItem item) {
            if (item == null) {
                return new State(false, false, false, false);
            }
            return new State(item.subscription().hasTo(), item.subscription().hasFrom(), item.askOut(), item.pendingIn());
        }

        RosterItem applyTo(RosterItem item) {
            return item.withState(Subscription.of(to, from), out, in);
        }
    }

    /** A subscription stanza the user sent to {@code contact} (Appendix A.2). */
    public static RosterOutcome outbound(Optional<RosterItem> current, Presence.Type type, Jid contact) {
        Jid bare = contact.bare();
        RosterItem before = checked(current, bare);
        State s = State.of(before);
        switch (type) {
            case SUBSCRIBE: {
                // §3.1.2, A.2.1: always routed; creates the item if needed and marks it Pending Out unless the user
                // is already subscribed.
                RosterItem after = s.to ? before : new State(false, s.from, true, s.in).applyTo(shown(before, bare));
                return RosterOutcome.change(bare, before, after, true, List.of(), false, false);
            }
            case UNSUBSCRIBE: {
                // §3.3.2, A.2.2: always routed; ends "To" and "Pending Out". The contact's server sends the
                // unavailable presence.
                RosterItem after = before == null ? null : new State(false, s.from, false, s.in).applyTo(before);
                return RosterOutcome.change(bare, before, after, true, List.of(), false, false);
            }
            case SUBSCRIBED: {
                // §3.1.5, A.2.3: only an answer to a pending request is routed; then the contact gets the user's
                // current presence.
                if (!s.in) {
                    return RosterOutcome.ignored(bare, before);
                }
                RosterItem after = new State(s.to, true, s.out, false).applyTo(shown(before, bare));
                return RosterOutcome.change(bare, before, after, true, List.of(), true, false);
            }
            case UNSUBSCRIBED:
                // §3.2.2, A.2.4: the user denies the contact's request or cancels its subscription.
                return endContactsSide(bare, before, s);
            default:
                throw new IllegalArgumentException("not a subscription stanza: " + type);
        }
    }

    /** A subscription stanza {@code contact} sent to the user (Appendix A.3). */
    public static RosterOutcome inbound(Optional<RosterItem> current, Presence.Type type, Jid contact) {
        Jid bare = contact.bare();
        RosterItem before = checked(current, bare);
        State s = State.of(before);
        switch (type) {
            case SUBSCRIBE: {
                if (s.from) {
                    // §3.1.3, A.3.1: already subscribed; the server approves again on the user's behalf. The RFC
                    // does not say so, but like an approval (§3.1.5) it is followed by the user's presence, since a
                    // contact asking again has most likely lost it.
                    return new RosterOutcome(bare, Optional.of(before), false, false, false,
                        List.of(Presence.Type.SUBSCRIBED), true, false);
                }
                if (s.in) {
                    // A.3.1: a repeated request is not delivered again; the pending one is redelivered at login.
                    return RosterOutcome.ignored(bare, before);
                }
                // §3.1.3: deliver, and remember it until the user answers. No roster push: clients do not see
                // "Pending In", and someone not in the roster gets a hidden item only.
                RosterItem after = before == null ? RosterItem.trackingRequest(bare)
                    : new State(s.to, false, s.out, true).applyTo(before);
                return RosterOutcome.change(bare, before, after, true, List.of(), false, false);
            }
            case SUBSCRIBED: {
                // §3.1.6, A.3.3: only an answer to the user's pending request counts.
                if (!s.out) {
                    return RosterOutcome.ignored(bare, before);
                }
                RosterItem after = new State(true, s.from, false, s.in).applyTo(before);
                return RosterOutcome.change(bare, before, after, true, List.of(), false, false);
            }
            case UNSUBSCRIBE:
                // §3.3.3, A.3.2: the contact withdraws its request or ends its subscription.
                return endContactsSide(bare, before, s);
            case UNSUBSCRIBED: {
                // §3.2.3, A.3.4: cancels the user's subscription or denies the user's request.
                if (!s.out && !s.to) {
                    return RosterOutcome.ignored(bare, before);
                }
                RosterItem after = new State(false, s.from, false, s.in).applyTo(before);
                return RosterOutcome.change(bare, before, after, true, List.of(), false, false);
            }
            default:
                throw new IllegalArgumentException("not a subscription stanza: " + type);
        }
    }

    /**
     * An outbound subscription stanza checked against the whole roster: subscription stanzas to the user's own
     * address are dropped (the user always has its own presence), and a subscribe that would add an item to a full
     * roster is refused with not-allowed.
     */
    public static RosterOutcome outbound(BareJid user, Roster roster, RosterLimits limits, Presence.Type type, Jid contact) {
        Jid bare = contact.bare();
        Optional<RosterItem> current = roster.get(bare);
        if (bare.equals(user)) {
            return RosterOutcome.ignored(bare, current.orElse(null));
        }
        boolean adds = current.map(RosterItem::hidden).orElse(true);
        if (type == Presence.Type.SUBSCRIBE && adds && roster.size() >= limits.maxItems()) {
            throw new StanzaException(StanzaError.Condition.NOT_ALLOWED, "roster is full");
        }
        return outbound(current, type, bare);
    }

    /**
     * An inbound subscription stanza checked against the whole roster: a request from someone not in the roster is
     * dropped once {@link RosterLimits#maxRequests()} such requests wait for an answer.
     */
    public static RosterOutcome inbound(BareJid user, Roster roster, RosterLimits limits, Presence.Type type, Jid contact) {
        Jid bare = contact.bare();
        Optional<RosterItem> current = roster.get(bare);
        if (bare.equals(user)) {
            return RosterOutcome.ignored(bare, current.orElse(null));
        }
        if (type == Presence.Type.SUBSCRIBE && current.isEmpty() && roster.unlistedRequests() >= limits.maxRequests()) {
            return RosterOutcome.ignored(bare, null);
        }
        return inbound(current, type, bare);
    }

    /** Removing an item (§2.5.2) also ends every subscription and request with the contact. */
    public static RosterOutcome removal(RosterItem item) {
        List<Presence.Type> toContact = new ArrayList<>(2);
        Subscription sub = item.subscription();
        if (sub.hasTo() || item.askOut()) {
            toContact.add(Presence.Type.UNSUBSCRIBE);
        }
        if (sub.hasFrom() || item.pendingIn()) {
            toContact.add(Presence.Type.UNSUBSCRIBED);
        }
        return RosterOutcome.change(item.jid(), item, null, false, toContact, false, sub.hasFrom());
    }

    /** The requests still waiting for the user's answer, to deliver when the user next becomes available (§3.1.3). */
    public static List<Presence> pendingRequests(BareJid user, Roster roster) {
        List<Presence> out = new ArrayList<>();
        for (Jid contact : roster.pendingIn()) {
            out.add(Presence.of(contact, user, Presence.Type.SUBSCRIBE));
        }
        return out;
    }

    /**
     * Outbound unsubscribed (A.2.4) and inbound unsubscribe (A.3.2) move the same states: whichever side speaks,
     * the contact's subscription to the user ("From") or its request ("Pending In") ends. Only then is the stanza
     * passed on, and a contact that was subscribed gets unavailable presence from the user's resources (§3.2.2,
     * §3.3.3).
     */
    private static RosterOutcome endContactsSide(Jid bare, RosterItem before, State s) {
        if (!s.in && !s.from) {
            return RosterOutcome.ignored(bare, before);
        }
        RosterItem after = new State(s.to, false, s.out, false).applyTo(before);
        return RosterOutcome.change(bare, before, after, true, List.of(), false, s.from);
    }

    private static RosterItem checked(Optional<RosterItem> current, Jid bare) {
        RosterItem item = current.orElse(null);
        if (item != null && !item.jid().equals(bare)) {
            throw new IllegalArgumentException("item " + item.jid() + " is not for " + bare);
        }
        return item;
    }

    private static RosterItem shown(RosterItem item, Jid bare) {
        return item == null ? RosterItem.of(bare) : item.shown();
    }
}
