package chorus.actors.feature.roster;

import chorus.actors.xmpp.Jid;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One contact in a user's roster (RFC 6121 §2.1.2) with its presence subscription state (Appendix A.1).
 *
 * <p>{@code askOut} is "Pending Out": the user asked to subscribe and the contact has not answered; clients see it as
 * {@code ask='subscribe'}. {@code pendingIn} is "Pending In": the contact asked to subscribe to the user, who has not
 * answered; clients never see it as an attribute, the server redelivers the request instead (§3.1.3).
 *
 * <p>{@code hidden} marks an item the server keeps only to track a pending inbound request from someone the user
 * never added (RFC 3921 §8.2 called this adding an item "for tracking purposes"): it is left out of roster results
 * and pushes, and disappears when the request is answered. Adding the contact, approving or subscribing makes it an
 * ordinary item.
 *
 * <p>Subscription pre-approval (§3.4) is not supported, so there is no 'approved' state.
 *
 * <p>Part of the persisted user state: plain fields, the JID written as its string. No method here starts with
 * {@code get} or {@code is}, so Jackson sees only the components.
 */
public record RosterItem(Jid jid, String name, List<String> groups, Subscription subscription,
                         boolean askOut, boolean pendingIn, boolean hidden) {

    public RosterItem {
        Objects.requireNonNull(jid, "jid");
        if (jid.isFull()) {
            throw new IllegalArgumentException("a roster item is a bare or domain JID");
        }
        name = name == null || name.isEmpty() ? null : name;
        groups = groups == null || groups.isEmpty() ? List.of() : List.copyOf(new LinkedHashSet<>(groups));
        subscription = subscription == null ? Subscription.NONE : subscription;
        // Appendix A.1 has no "To + Pending Out" or "From + Pending In": a granted subscription ends the request.
        askOut = askOut && !subscription.hasTo();
        pendingIn = pendingIn && !subscription.hasFrom();
        hidden = hidden && subscription == Subscription.NONE && !askOut;
    }

    /** A new, visible item with no subscription in either direction. */
    public static RosterItem of(Jid jid) {
        return new RosterItem(jid, null, List.of(), Subscription.NONE, false, false, false);
    }

    /** A hidden item tracking an inbound request from someone not in the roster. */
    static RosterItem trackingRequest(Jid jid) {
        return new RosterItem(jid, null, List.of(), Subscription.NONE, false, true, true);
    }

    public RosterItem withName(String newName) {
        return new RosterItem(jid, newName, groups, subscription, askOut, pendingIn, hidden);
    }

    public RosterItem withGroups(List<String> newGroups) {
        return new RosterItem(jid, name, newGroups, subscription, askOut, pendingIn, hidden);
    }

    /** The same item with another subscription state; a hidden item stays hidden only while it is a bare request. */
    public RosterItem withState(Subscription newSubscription, boolean newAskOut, boolean newPendingIn) {
        return new RosterItem(jid, name, groups, newSubscription, newAskOut, newPendingIn, hidden);
    }

    /** The same item made visible: the user has acted on it. */
    public RosterItem shown() {
        return hidden ? new RosterItem(jid, name, groups, subscription, askOut, pendingIn, false) : this;
    }

    /** True when a client would see no difference between the two (both absent, both hidden, or equal attributes). */
    static boolean sameForClients(RosterItem a, RosterItem b) {
        boolean aShown = a != null && !a.hidden;
        boolean bShown = b != null && !b.hidden;
        if (!aShown || !bShown) {
            return aShown == bShown;
        }
        return a.jid.equals(b.jid) && Objects.equals(a.name, b.name) && a.groups.equals(b.groups)
            && a.subscription == b.subscription && a.askOut == b.askOut;
    }

    /** Names and groups are the user's words about a contact: print the address and state only. */
    @Override
    public String toString() {
        List<String> flags = new ArrayList<>(3);
        if (askOut) {
            flags.add("pending-out");
        }
        if (pendingIn) {
            flags.add("pending-in");
        }
        if (hidden) {
            flags.add("hidden");
        }
        return "RosterItem[" + jid + " " + subscription.xml() + (flags.isEmpty() ? "" : " " + String.join(" ", flags)) + "]";
    }
}
