package chorus.actors.feature;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What an account-level feature may read of the account it answers for. */
public interface AccountView {

    /** The user's vCard (XEP-0054), if one was stored. */
    Optional<Element> vcard();

    /** Private XML (XEP-0049), keyed by {@link #privateKey(String, String)}. */
    Map<String, Element> privateData();

    /** Blocked addresses (XEP-0191), as written by the user (bare, full or domain JIDs). */
    Set<Jid> blocklist();

    /** When the last resource went offline (XEP-0012), or null if never. */
    Instant lastSeen();

    /** The account's PEP nodes (XEP-0163) by node id. */
    Map<String, chorus.actors.feature.pep.PepNode> pep();

    /**
     * The PEP nodes one may learn of (XEP-0060 §5.2): all of them to the owner; to others, not those kept to the
     * owner (access model whitelist).
     */
    default Set<String> pepNodesFor(IqContext.Relation relation) {
        Set<String> out = new java.util.LinkedHashSet<>();
        pep().forEach((id, n) -> {
            if (relation == IqContext.Relation.SELF
                || !n.config().access().equals(chorus.actors.feature.pep.PepConfig.WHITELIST)) {
                out.add(id);
            }
        });
        return out;
    }

    /** The user's archiving preferences (XEP-0441), or null when never set. */
    default chorus.actors.feature.mam.MamPrefs mamPrefs() {
        return null;
    }

    /** Whether a resource of the account is available right now. */
    boolean online();

    /** The key of a private XML element: its namespace and name. */
    static String privateKey(String ns, String name) {
        return "{" + ns + "}" + name;
    }
}
