package chorus.actors.feature.roster;

import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Presence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the roster logic decided for one contact; the user's entity persists and sends accordingly, in this order:
 *
 * <ol>
 *   <li>{@code stateChanged}: persist {@code item} for {@code contact} (an empty item means: remove it), then
 *       {@link Roster#apply} it.</li>
 *   <li>{@code rosterChanged}: push {@code item} (or, when empty, a removal) to every interested resource, with the
 *       new roster version ({@link RosterXml#push}).</li>
 *   <li>{@code forward}: for a stanza the user sent, route it to the contact, stamped from the user's bare JID to
 *       {@code contact}; for a stanza that came in, deliver it to the user (subscribe: to the available resources,
 *       or nowhere when none is online, since the roster keeps it pending for the next login; the other types: to
 *       the interested resources).</li>
 *   <li>{@code toContact}: send presence stanzas of these types from the user's bare JID to {@code contact}.</li>
 *   <li>{@code sendPresenceToContact}: send the current presence of each of the user's available resources to
 *       {@code contact}.</li>
 *   <li>{@code sendUnavailableToContact}: send presence of type unavailable from each of the user's available
 *       resources to {@code contact}.</li>
 * </ol>
 *
 * <p>When nothing changed, {@code item} is the current item, unchanged (or empty when there is none).
 */
public record RosterOutcome(Jid contact, Optional<RosterItem> item, boolean stateChanged, boolean rosterChanged,
                            boolean forward, List<Presence.Type> toContact, boolean sendPresenceToContact,
                            boolean sendUnavailableToContact) {

    public RosterOutcome {
        Objects.requireNonNull(contact, "contact");
        item = item == null ? Optional.empty() : item;
        toContact = List.copyOf(toContact);
    }

    /** The server answers a subscription request on the user's behalf (RFC 6121 §3.1.3). */
    public boolean autoReplySubscribed() {
        return toContact.contains(Presence.Type.SUBSCRIBED);
    }

    /** Nothing to store, push or send: the stanza is dropped. */
    static RosterOutcome ignored(Jid contact, RosterItem current) {
        return new RosterOutcome(contact, Optional.ofNullable(current), false, false, false, List.of(), false, false);
    }

    /**
     * The outcome of moving from {@code before} to {@code after} (either may be null for "no item"); a hidden item
     * that no longer tracks a request becomes "no item".
     */
    static RosterOutcome change(Jid contact, RosterItem before, RosterItem after, boolean forward,
                                List<Presence.Type> toContact, boolean sendPresence, boolean sendUnavailable) {
        RosterItem stored = after != null && after.hidden() && !after.pendingIn() ? null : after;
        return new RosterOutcome(contact, Optional.ofNullable(stored), !Objects.equals(before, stored),
            !RosterItem.sameForClients(before, stored), forward, toContact, sendPresence, sendUnavailable);
    }
}
