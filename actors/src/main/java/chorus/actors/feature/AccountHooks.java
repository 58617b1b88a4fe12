package chorus.actors.feature;

import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;

import java.util.List;
import java.util.Set;

/**
 * A feature's part in one account's entity: every hook is optional. The entity calls them in the order the
 * features were registered; hooks run on the entity's thread and act through their {@link AccountContext}.
 *
 * <p>A stanza's walk through the hooks, on the account of its recipient: {@link #screen} (refuse it), then for an
 * IQ request to the bare JID the first {@link #owns owner} {@link #handle handles} it (none: service-unavailable,
 * RFC 6120 §8.4), for an IQ answer {@link #answer}, for a message {@link #deliver} (change it on its way to the
 * resources), for presence {@link #presenceIn}. On the sender's side: {@link #sent}, {@link #resourcePresence}.
 */
public interface AccountHooks {

    /** Whether this feature answers this IQ request to the account. */
    default boolean owns(Iq request, Requester requester) {
        return false;
    }

    /** Answers a request it owns. */
    default Decision handle(Iq request, Requester requester, AccountData data) {
        return Decision.then(d -> { });
    }

    /** An IQ answer (result or error) to the account: true when it answered one of this feature's own requests. */
    default boolean answer(Iq response, AccountData data) {
        return false;
    }

    /**
     * A stanza to the account or one of its resources, before anything else looks at it: true when the feature
     * took care of it (refused, bounced or dropped it) and it goes no further.
     */
    default boolean screen(Stanza inbound, AccountData data) {
        return false;
    }

    /** A message to the account on its way to the resources (or to offline storage): the message they get. */
    default Message deliver(Message message, AccountData data) {
        return message;
    }

    /** A message one of the account's resources sent to someone else. */
    default void sent(Message message, AccountData data) {
    }

    /**
     * Whether {@link #sent} needs the copies of what the account's resources send now (XEP-0280: a resource has
     * carbons enabled; XEP-0313: the preferences archive something). A feature whose {@link AccountFeature#seesSent}
     * can be true must answer this: while no feature of the account wants them, its sessions send no copies (issue
     * 18). The entity asks again after every persisted event and every change of a resource's interests, and tells
     * its sessions before anything else goes out, so a copy is wanted from the moment the change is answered.
     */
    default boolean wantsSent(AccountData data) {
        return false;
    }

    /**
     * One of the account's resources is available with this presence. {@code announced}: it just said so (not a
     * session binding again to a restarted entity, whose resource was known before).
     */
    default void resourcePresence(FullJid resource, Presence presence, boolean announced, AccountData data) {
    }

    /**
     * Available presence one of the account's resources sends (broadcast or directed), before it goes out: the
     * presence that is sent (XEP-0153 adds the avatar hash when the client did not).
     */
    default Presence outgoing(Presence presence, AccountData data) {
        return presence;
    }

    /** A resource is no longer available: it sent unavailable, or its session ended. */
    default void resourceGone(FullJid resource) {
    }

    /** Presence from someone else to the account or one of its resources. */
    default void presenceIn(Presence presence, AccountData data) {
    }

    /** A session bound a resource (not a resumed one, which keeps what its session had). */
    default void bound(Resource resource, AccountData data) {
    }

    /** The account's last available resource went offline: events to persist, if any. */
    default List<AccountEvent> lastResourceGone(AccountData data) {
        return List.of();
    }

    /**
     * Events another feature decided are about to persist: events of this feature's own slice that follow from
     * them, persisted with them in the same write (one store kept in sync with another). {@code after}: the
     * account as it is after {@code events}. Not asked again about the events it returns, so what it returns
     * must leave the stores in agreement.
     */
    default List<AccountEvent> follow(List<AccountEvent> events, AccountData after) {
        return List.of();
    }

    /**
     * Events that a feature derived with {@link #follow} were persisted: act on those of this feature's slice as
     * on its own (notify who wants to know). {@code after}: the account after them.
     */
    default void followed(List<AccountEvent> derived, AccountData after) {
    }

    /** Whether this feature blocks all communication with the address (XEP-0191); see {@link AccountData#blocks}. */
    default boolean blocks(AccountData data, Jid other) {
        return false;
    }

    /** The disco nodes this feature keeps at the account that someone in this relation may learn of. */
    default Set<String> discoNodes(AccountData data, IqContext.Relation relation) {
        return Set.of();
    }

    /**
     * A command of a session straight to the features ({@link AccountCommand}): the decision when this feature owns
     * it, else null. Its events persist before {@code then} runs (and replies).
     */
    default Decision command(AccountCommand command, AccountData data) {
        return null;
    }

    /**
     * The account is being removed: erase what lives outside the account's journal (the journal and every slice
     * are erased by the entity and the node) and forget live state.
     */
    default void erase() {
    }
}
