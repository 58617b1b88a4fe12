package chorus.actors.xmpp;

import java.util.regex.Pattern;

/** How a JID string splits into its parts (RFC 7622 §3.1), as xmpp-addr's Jid.of(String) splits it. */
final class JidSyntax {
    /** Groups 2, 3, 5: localpart (or null), domainpart, resourcepart (or null). */
    static final Pattern PARTS = Pattern.compile("^((.*?)@)?([^/@]+)(/(.*))?$");

    private JidSyntax() {
    }
}
