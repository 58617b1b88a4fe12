package chorus.actors.xmpp;

import java.nio.charset.StandardCharsets;

/**
 * PRECIS preparation of each part of an address (RFC 7622 §3), through the xmpp-addr library. A part that is already
 * in its prepared form in plain ASCII (the common case: every address the server builds from addresses it prepared,
 * such as a full JID's bare JID) is recognised without the library, whose preparation it would pass unchanged: that
 * took 17 % of a node's CPU per chat message (issue 18). Anything else goes through the library.
 */
final class JidPrep {
    private static final int MAX_PART_BYTES = 1023;

    private JidPrep() {
    }

    /** RFC 7622 §3.3.1: characters a localpart must not contain, beyond what UsernameCaseMapped disallows. */
    private static final String DISALLOWED_IN_LOCALPART = "\"&'/:<>@";

    static String local(String local) {
        check(local, "localpart");
        String prepared = local;
        if (!preparedAscii(local, false)) {
            prepared = prepare(() -> rocks.xmpp.precis.PrecisProfiles.USERNAME_CASE_MAPPED.enforce(local));
            check(prepared, "localpart");
        }
        for (int i = 0; i < prepared.length(); i++) {
            if (DISALLOWED_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new JidMalformedException("localpart contains '" + prepared.charAt(i) + "'");
            }
        }
        return prepared;
    }

    static String domain(String domain) {
        check(domain, "domainpart");
        if (preparedDomain(domain)) {
            return domain;
        }
        String prepared = prepare(() -> rocks.xmpp.addr.Jid.ofDomain(domain).getDomain());
        check(prepared, "domainpart");
        return prepared;
    }

    static String resource(String resource) {
        check(resource, "resourcepart");
        if (preparedAscii(resource, true)) {
            return resource;
        }
        String prepared = prepare(() -> rocks.xmpp.addr.Jid.ofDomainAndResource("example.invalid", resource).getResource());
        check(prepared, "resourcepart");
        return prepared;
    }

    /**
     * Printable ASCII without space (PRECIS's ASCII7 class, which both the UsernameCaseMapped and the OpaqueString
     * profile allow and map to themselves), and for a localpart no upper case letter (case mapping would change it).
     */
    static boolean preparedAscii(String part, boolean upperAllowed) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < 0x21 || c > 0x7e || !upperAllowed && c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }

    /**
     * Lower-case letters, digits and hyphens in dot-separated labels of 1 to 63 characters, none starting or ending
     * with a hyphen and none an IDNA A-label ({@code xn--}, which the library turns into Unicode), at most 253 in all:
     * a domain name the library's preparation leaves as it is.
     */
    static boolean preparedDomain(String d) {
        if (d.length() > 253) {
            return false;
        }
        int label = 0;
        for (int i = 0; i <= d.length(); i++) {
            char c = i < d.length() ? d.charAt(i) : '.';
            if (c == '.') {
                if (label == 0 || label > 63 || d.charAt(i - 1) == '-' || d.charAt(i - label) == '-'
                    || d.startsWith("xn--", i - label)) {
                    return false;
                }
                label = 0;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
                label++;
            } else {
                return false;
            }
        }
        return true;
    }

    private static void check(String part, String what) {
        if (part == null || part.isEmpty()) {
            throw new JidMalformedException("empty " + what);
        }
        // UTF-8 takes at most 3 bytes per char (a surrogate pair 4 for 2): short parts need no encoding to count.
        if (part.length() > MAX_PART_BYTES
            || part.length() > MAX_PART_BYTES / 3 && part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES) {
            throw new JidMalformedException(what + " longer than 1023 bytes");
        }
    }

    private static String prepare(java.util.function.Supplier<String> prep) {
        try {
            return prep.get();
        } catch (RuntimeException e) {
            throw new JidMalformedException(e.getMessage());
        }
    }
}
