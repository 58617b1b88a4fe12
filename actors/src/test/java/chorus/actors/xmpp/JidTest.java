package chorus.actors.xmpp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JidTest {

    @Test
    void aFullJidParsesIntoItsPreparedParts() {
        Jid j = Jid.parse("Juliet@Example.ORG/Balcony");
        assertInstanceOf(FullJid.class, j);
        assertEquals("juliet", j.local());
        assertEquals("example.org", j.domain());
        assertEquals("Balcony", j.resource());
        assertEquals(new BareJid("juliet", "example.org"), j.bare());
    }

    @Test
    void aDomainAloneIsADomainJid() {
        assertEquals(new DomainJid("example.org"), Jid.parse("example.org"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b", "a b", "a:b", "a/b", "a<b", "a'b", "a\"b", "a&b", ""})
    void aLocalpartWithForbiddenCharactersIsMalformed(String local) {
        assertThrows(JidMalformedException.class, () -> new BareJid(local, "example.org"));
    }

    @Test
    void partsLongerThan1023BytesAreMalformed() {
        String longPart = "a".repeat(1024);
        assertThrows(JidMalformedException.class, () -> Jid.parse(longPart + "@example.org"));
        assertThrows(JidMalformedException.class, () -> Jid.parse("juliet@example.org/" + longPart));
        assertEquals(1023, new BareJid("a".repeat(1023), "example.org").local().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"@example.org", "juliet@", "juliet@example.org/", "/res", "juliet@@example.org"})
    void malformedAddressesAreRefused(String s) {
        assertThrows(JidMalformedException.class, () -> Jid.parse(s));
    }

    @Test
    void theStringFormParsesBackToTheSameAddress() {
        for (String s : new String[] {"juliet@example.org", "juliet@example.org/a/b c", "example.org/x", "example.org"}) {
            Jid j = Jid.parse(s);
            assertEquals(j, Jid.parse(j.toString()));
        }
    }

    /**
     * Parsing no longer goes through the library's cached Jid.of(String); it must still split and prepare as the
     * library's parse followed by this package's preparation did.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Juliet@Example.ORG/Balcony", "example.org", "example.org/x", " juliet@example.org ",
        "a@b@c", "a@b/c@d", "a@b/c/d", "@example.org", "juliet@", "juliet@example.org/", "/res", "juliet@@example.org",
        "ju liet@example.org", "juliet@exa mple.org", "ΣΑΣ@example.org/Ω", "juliet@example.org./r", "\\20x@example.org"})
    void addressesParseAsTheXmppAddrLibraryParsesThem(String s) {
        Jid expected;
        try {
            rocks.xmpp.addr.Jid lib = rocks.xmpp.addr.Jid.of(s);
            expected = Jid.of(lib.getLocal(), lib.getDomain(), lib.getResource());
        } catch (RuntimeException e) {
            assertThrows(JidMalformedException.class, () -> Jid.parse(s));
            return;
        }
        assertEquals(expected, Jid.parse(s));
    }
}
