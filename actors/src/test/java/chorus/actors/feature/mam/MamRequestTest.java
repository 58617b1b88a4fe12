package chorus.actors.feature.mam;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing XEP-0313 queries and XEP-0441 preferences, on the XEPs' own examples. */
class MamRequestTest {
    static final MamSettings SETTINGS = MamSettings.defaults();
    static final BareJid JULIET = new BareJid("juliet", "capulet.lit");

    static Iq query(Element... children) {
        return Iq.of(JULIET.withResource("chamber"), null, "juliet1", Iq.Type.SET,
            Element.build("query", MamHandler.NS).attr("queryid", "f27").children(List.of(children)).get());
    }

    static Element form(String var, String value) {
        return DataForm.build("submit", MamHandler.NS).field(var, null, null, value).get();
    }

    static Element set(String name, String text) {
        return Element.build("set", MamRequest.RSM).child(Element.build(name, MamRequest.RSM).text(text).get()).get();
    }

    @Test
    void anEmptyQueryAsksForTheWholeArchiveInPagesOfTheDefaultSize() throws Exception {
        MamRequest r = MamRequest.parse(query(), SETTINGS);
        assertEquals("f27", r.queryId());
        assertEquals(50, r.max());
        assertEquals(0, r.lo());
        assertEquals(Long.MAX_VALUE, r.hi());
        assertFalse(r.lastPage());
    }

    @Test
    void startAndEndBecomeAnIdRange() throws Exception {
        Element x = DataForm.build("submit", MamHandler.NS)
            .field("start", null, null, "2010-06-07T00:00:00Z")
            .field("end", null, null, "2010-07-07T13:23:54Z").get();
        MamRequest r = MamRequest.parse(query(x), SETTINGS);
        assertEquals(Instant.parse("2010-06-07T00:00:00Z").toEpochMilli() * 1000, r.lo());
        assertEquals(Instant.parse("2010-07-07T13:23:54Z").toEpochMilli() * 1000 + 999, r.hi());
    }

    @Test
    void withABareAddressMatchesEveryResourceAndAFullOneOnlyItself() throws Exception {
        MamRequest bare = MamRequest.parse(query(form("with", "romeo@montague.lit")), SETTINGS);
        assertTrue(bare.withMatches("romeo@montague.lit/orchard"));
        assertFalse(bare.withMatches("benvolio@montague.lit/square"));
        MamRequest full = MamRequest.parse(query(form("with", "romeo@montague.lit/orchard")), SETTINGS);
        assertTrue(full.withMatches("romeo@montague.lit/orchard"));
        assertFalse(full.withMatches("romeo@montague.lit/garden"));
    }

    @Test
    void aPageIsCappedAndAnEmptyBeforeAsksForTheLastPage() throws Exception {
        assertEquals(100, MamRequest.parse(query(set("max", "5000")), SETTINGS).max());
        MamRequest last = MamRequest.parse(query(Element.build("set", MamRequest.RSM)
            .child(Element.of("before", MamRequest.RSM)).get()), SETTINGS);
        assertTrue(last.lastPage());
        assertNull(last.before());
        assertEquals(7L, MamRequest.parse(query(set("after", "7")), SETTINGS).after());
    }

    @Test
    void badFormsAreBadRequestsAndUnknownIdsAreNotFound() {
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(query(form("start", "last tuesday"))));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(query(form("with", "@@"))));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(query(form("colour", "red"))));
        assertEquals(StanzaError.Condition.BAD_REQUEST, condition(query(set("max", "many"))));
        assertEquals(StanzaError.Condition.ITEM_NOT_FOUND, condition(query(set("after", "28482-98726-73623"))));
    }

    static StanzaError.Condition condition(Iq iq) {
        return assertThrows(MamRequest.Invalid.class, () -> MamRequest.parse(iq, SETTINGS)).error().condition();
    }

    @Test
    void prefsRoundTripAndDecideByNeverThenAlwaysThenDefault() {
        Element xml = Element.build("prefs", MamHandler.NS).attr("default", "roster")
            .child(Element.build("always", MamHandler.NS).textChild("jid", MamHandler.NS, "romeo@montague.lit").get())
            .child(Element.build("never", MamHandler.NS).textChild("jid", MamHandler.NS, "montague@montague.lit").get())
            .get();
        MamPrefs p = MamPrefs.parse(xml);
        assertEquals(p, MamPrefs.parse(p.toElement()));
        assertTrue(p.archives(Jid.parse("romeo@montague.lit/orchard"), false));
        assertFalse(p.archives(Jid.parse("montague@montague.lit"), true));
        assertTrue(p.archives(Jid.parse("nurse@capulet.lit"), true));
        assertFalse(p.archives(Jid.parse("tybalt@capulet.lit"), false));
        assertThrows(IllegalArgumentException.class,
            () -> MamPrefs.parse(Element.build("prefs", MamHandler.NS).attr("default", "sometimes").get()));
    }

    @Test
    void onlyChatAndNormalMessagesWithABodyAndNoStoreHintAreArchivable() {
        Message chat = Message.chat(JULIET, JULIET, "1", "hi");
        assertTrue(Archive.archivable(chat));
        assertFalse(Archive.archivable(new Message(JULIET, JULIET, "2", Message.Type.GROUPCHAT, null, chat.children())));
        assertFalse(Archive.archivable(new Message(JULIET, JULIET, "3", Message.Type.HEADLINE, null, chat.children())));
        assertFalse(Archive.archivable(new Message(JULIET, JULIET, "4", Message.Type.CHAT, null, List.of())));
        assertFalse(Archive.archivable(chat.withChildren(List.of(chat.children().get(0),
            Element.of("no-permanent-store", "urn:xmpp:hints")))));
        assertEquals(chat.children(), Archive.decode(Archive.encode(chat)).children());
        assertEquals(chat.from(), Archive.decode(Archive.encode(chat)).from());
    }
}
