package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.nio.charset.StandardCharsets;

/**
 * An XMPP address. Construction prepares and validates every part (RFC 7622, PRECIS, through the
 * xmpp-addr library), so every Jid is well formed; {@link JidMalformedException} otherwise.
 * Written as its string form wherever it is serialized.
 */
public sealed interface Jid permits BareJid, FullJid, DomainJid {

    String domain();

    /** The localpart, or null for a domain JID. */
    String local();

    /** The resourcepart, or null. */
    String resource();

    /** This address without its resource. */
    Jid bare();

    default boolean isFull() {
        return resource() != null;
    }

    /** True when this is the address {@code local@domain} of an account, without resource. */
    default boolean isBare() {
        return local() != null && resource() == null;
    }

    default boolean isDomain() {
        return local() == null && resource() == null;
    }

    @JsonValue
    String toString();

    /** Parses and prepares a JID string. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Jid parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new JidMalformedException("empty address");
        }
        if (s.length() > 3071 || s.getBytes(StandardCharsets.UTF_8).length > 3071) {
            throw new JidMalformedException("address too long");
        }
        // The library's Jid.of(String) splits and prepares the same way, but looks each string up in an LRU cache
        // whose every hit scans a queue of up to thousands of keys (ConcurrentLinkedDeque.remove): ~9 % of a
        // login's CPU in a JFR profile (issue 18). Its three-part factory prepares without that cache.
        String trimmed = s.trim();
        java.util.regex.Matcher parts = JidSyntax.PARTS.matcher(trimmed);
        if (trimmed.isEmpty() || !parts.matches()) {
            throw new JidMalformedException("Could not parse JID: " + s);
        }
        // Each part is prepared once, by the record's constructor (JidPrep: the library's preparation, or nothing
        // for a part already prepared in plain ASCII), not by the library first and the constructor again (issue 18).
        return of(parts.group(2), parts.group(3), parts.group(5));
    }

    /** Prepares the given parts; local and resource may be null. */
    static Jid of(String local, String domain, String resource) {
        if (local == null && resource == null) {
            return new DomainJid(domain);
        }
        if (resource == null) {
            return new BareJid(local, domain);
        }
        return new FullJid(local, domain, resource);
    }

    /** Parses, or returns null for null or an invalid address. */
    static Jid parseOrNull(String s) {
        if (s == null) {
            return null;
        }
        try {
            return parse(s);
        } catch (JidMalformedException e) {
            return null;
        }
    }
}
