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

    /** Whether a resource of the account is available right now. */
    boolean online();

    /** The key of a private XML element: its namespace and name. */
    static String privateKey(String ns, String name) {
        return "{" + ns + "}" + name;
    }
}
