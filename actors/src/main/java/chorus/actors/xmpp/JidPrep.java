package chorus.actors.xmpp;

import java.nio.charset.StandardCharsets;

/** PRECIS preparation of each part of an address (RFC 7622 §3), through the xmpp-addr library. */
final class JidPrep {
    private static final int MAX_PART_BYTES = 1023;

    private JidPrep() {
    }

    /** RFC 7622 §3.3.1: characters a localpart must not contain, beyond what UsernameCaseMapped disallows. */
    private static final String DISALLOWED_IN_LOCALPART = "\"&'/:<>@";

    static String local(String local) {
        check(local, "localpart");
        String prepared = prepare(() -> rocks.xmpp.precis.PrecisProfiles.USERNAME_CASE_MAPPED.enforce(local));
        check(prepared, "localpart");
        for (int i = 0; i < prepared.length(); i++) {
            if (DISALLOWED_IN_LOCALPART.indexOf(prepared.charAt(i)) >= 0) {
                throw new JidMalformedException("localpart contains '" + prepared.charAt(i) + "'");
            }
        }
        return prepared;
    }

    static String domain(String domain) {
        check(domain, "domainpart");
        String prepared = prepare(() -> rocks.xmpp.addr.Jid.ofDomain(domain).getDomain());
        check(prepared, "domainpart");
        return prepared;
    }

    static String resource(String resource) {
        check(resource, "resourcepart");
        String prepared = prepare(() -> rocks.xmpp.addr.Jid.ofDomainAndResource("example.invalid", resource).getResource());
        check(prepared, "resourcepart");
        return prepared;
    }

    private static void check(String part, String what) {
        if (part == null || part.isEmpty()) {
            throw new JidMalformedException("empty " + what);
        }
        if (part.length() > MAX_PART_BYTES || part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES) {
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
