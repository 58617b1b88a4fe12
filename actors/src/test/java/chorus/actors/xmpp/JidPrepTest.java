package chorus.actors.xmpp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts JidPrep recognises as prepared without the xmpp-addr library are exactly parts the library leaves as they
 * are; everything unusual (upper case in a localpart, non-ASCII, IDNA labels, odd hyphens and dots) still goes through
 * the library.
 */
class JidPrepTest {
    private static final List<String> LOCALS = List.of("load1", "juliet", "a.b-c_d+e", "x!#$%*", "0", "~z");
    private static final List<String> RESOURCES = List.of("balcony", "Load-1", "a/b@c", "Conversations.abCD", "x:y");
    private static final List<String> DOMAINS = List.of("localhost", "example.org", "a-b.example", "chat.a1.example",
        "conference.localhost", "123.example");

    @Test
    void partsRecognisedAsPreparedAreThoseTheLibraryLeavesUnchanged() {
        for (String l : LOCALS) {
            assertTrue(JidPrep.preparedAscii(l, false), l);
            assertEquals(l, rocks.xmpp.precis.PrecisProfiles.USERNAME_CASE_MAPPED.enforce(l), l);
        }
        for (String r : RESOURCES) {
            assertTrue(JidPrep.preparedAscii(r, true), r);
            assertEquals(r, rocks.xmpp.addr.Jid.ofDomainAndResource("example.invalid", r).getResource(), r);
        }
        for (String d : DOMAINS) {
            assertTrue(JidPrep.preparedDomain(d), d);
            assertEquals(d, rocks.xmpp.addr.Jid.ofDomain(d).getDomain(), d);
        }
    }

    @Test
    void anythingUnusualGoesThroughTheLibrary() {
        for (String l : List.of("Juliet", "jul iet", "jülie", "ｊｕｌｉｅｔ")) {
            assertFalse(JidPrep.preparedAscii(l, false), l);
        }
        for (String r : List.of("bal cony", "Ünïcode", "\u2000x")) {
            assertFalse(JidPrep.preparedAscii(r, true), r);
        }
        for (String d : List.of("Example.org", "example.org.", ".example", "a..b", "-a.example", "a-.example",
            "xn--bcher-kva.example", "bücher.example", "[::1]", "under_score.example", "a".repeat(64) + ".example",
            ("a".repeat(60) + ".").repeat(5) + "example")) {
            assertFalse(JidPrep.preparedDomain(d), d);
        }
    }

    @Test
    void aPartTheLibraryChangesIsStillPrepared() {
        assertEquals("juliet", JidPrep.local("Juliet"));
        assertEquals("example.org", JidPrep.domain("Example.org"));
        assertEquals(new BareJid("juliet", "example.org"), ((FullJid) Jid.parse("Juliet@Example.org/x")).bare());
    }
}
