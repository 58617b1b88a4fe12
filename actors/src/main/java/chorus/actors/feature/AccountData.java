package chorus.actors.feature;

import chorus.actors.xmpp.Jid;

import java.util.List;
import java.util.Set;

/**
 * What a feature may read of the account it works for: its own slice, and what the account's core knows (whether
 * a resource is online, how someone relates to the account through the roster). What other features know is asked
 * through the questions here ({@link #blocks}, {@link #discoNodes}), never by reading their slices.
 */
public interface AccountData {

    /** A feature's slice; its empty value when the feature stored nothing. */
    <S extends AccountSlice> S slice(SliceKey<S> key);

    /** Whether a resource of the account is available right now. */
    boolean online();

    /** SELF for the account's own addresses; CONTACT when the roster grants it the account's presence; else STRANGER. */
    IqContext.Relation relationOf(Jid other);

    /** Whether the roster holds an item for this address's bare JID (whatever its subscription). */
    boolean inRoster(Jid other);

    /** The contacts entitled to the account's presence (subscription from or both, RFC 6121 §4.2.2). */
    List<Jid> presenceSubscribers();

    /** Whether the account blocks all communication with this address (XEP-0191); never its own addresses. */
    boolean blocks(Jid other);

    /** The disco nodes of the account (XEP-0030 §3.2) someone in this relation may learn of, e.g. PEP nodes. */
    Set<String> discoNodes(IqContext.Relation relation);
}
