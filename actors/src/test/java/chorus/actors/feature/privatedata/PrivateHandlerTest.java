package chorus.actors.feature.privatedata;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.IqResult;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivateHandlerTest {
    static final BareJid HAMLET = BareJid.parseBare("hamlet@shakespeare.lit");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

    /** XEP-0049 Example 1: the client stores its preferences. */
    static final Iq STORE = Xml.iq("""
        <iq type="set" id="1001" from="hamlet@shakespeare.lit/denmark">
          <query xmlns="jabber:iq:private">
            <exodus xmlns="exodus:prefs">
              <defaultnick>Hamlet</defaultnick>
            </exodus>
          </query>
        </iq>""");
    static final Element PREFS = STORE.payload().orElseThrow().elements().get(0);

    /** XEP-0049 Example 2: the client retrieves them. */
    static final Iq RETRIEVE = Xml.iq("""
        <iq type="get" id="1002" from="hamlet@shakespeare.lit/denmark">
          <query xmlns="jabber:iq:private">
            <exodus xmlns="exodus:prefs"/>
          </query>
        </iq>""");

    final PrivateHandler handler = new PrivateHandler();

    static IqResult handle(PrivateHandler h, Iq iq, Account account, Relation relation) {
        return h.handle(iq, account.context(HAMLET, relation, CLOCK));
    }

    static Iq query(Iq.Type type, Element... children) {
        return Iq.of(HAMLET.withResource("denmark"), null, "q", type,
            Element.build("query", PrivateHandler.NS).children(List.of(children)).get());
    }

    static void assertError(Condition condition, IqResult r) {
        Iq reply = assertInstanceOf(IqResult.Reply.class, r).reply();
        assertEquals(Iq.Type.ERROR, reply.type());
        assertEquals(condition, StanzaError.conditionOf(reply));
    }

    static String errorText(IqResult r) {
        return assertInstanceOf(IqResult.Reply.class, r).reply().child("error", "jabber:client").orElseThrow()
            .childText("text", "urn:ietf:params:xml:ns:xmpp-stanzas").orElseThrow();
    }

    static Element prefs(String name) {
        return Element.build(name, "exodus:prefs").textChild("defaultnick", "exodus:prefs", "Hamlet").get();
    }

    @Test
    void theOwnerStoresAnElementUnderItsNamespaceAndName() {
        IqResult.PersistThenReply p = assertInstanceOf(IqResult.PersistThenReply.class,
            handle(handler, STORE, Account.EMPTY, Relation.SELF));
        assertEquals(List.of(new PrivateStored("{exodus:prefs}exodus", PREFS)), p.events());
        assertEquals(Iq.Type.RESULT, p.reply().type());
        assertEquals("1001", p.reply().id());
        assertEquals(List.of(), p.reply().children());
    }

    @Test
    void theOwnerGetsBackWhatItStored() {
        Iq reply = assertInstanceOf(IqResult.Reply.class,
            handle(handler, RETRIEVE, Account.EMPTY.withPrivate(PREFS), Relation.SELF)).reply();
        assertEquals(Iq.Type.RESULT, reply.type());
        assertEquals(Element.build("query", PrivateHandler.NS).child(PREFS).get(), reply.payload().orElseThrow());
    }

    @Test
    void gettingSomethingNeverStoredReturnsTheRequestedElementEmpty() {
        Iq reply = assertInstanceOf(IqResult.Reply.class,
            handle(handler, RETRIEVE, Account.EMPTY, Relation.SELF)).reply();
        assertEquals(Element.build("query", PrivateHandler.NS).child(Element.of("exodus", "exodus:prefs")).get(),
            reply.payload().orElseThrow());
    }

    @Test
    void severalElementsOfOneNamespaceAreStoredAndReadTogether() {
        IqResult.PersistThenReply p = assertInstanceOf(IqResult.PersistThenReply.class,
            handle(handler, query(Iq.Type.SET, prefs("a"), prefs("b")), Account.EMPTY, Relation.SELF));
        assertEquals(List.of("{exodus:prefs}a", "{exodus:prefs}b"),
            p.events().stream().map(e -> ((PrivateStored) e).key()).toList());
        Iq reply = assertInstanceOf(IqResult.Reply.class, handle(handler,
            query(Iq.Type.GET, Element.of("a", "exodus:prefs"), Element.of("b", "exodus:prefs")),
            Account.EMPTY.withPrivate(prefs("a")), Relation.SELF)).reply();
        assertEquals(List.of(prefs("a"), Element.of("b", "exodus:prefs")), reply.payload().orElseThrow().elements());
    }

    @Test
    void aContactGetsForbiddenAndAStrangerServiceUnavailableForBothGetAndSet() {
        // XEP-0049 Example 3: another user's set.
        Iq macbeth = STORE.withFromTo(BareJid.parseBare("macbeth@shakespeare.lit").withResource("castle"), HAMLET);
        Account stored = Account.EMPTY.withPrivate(PREFS);
        assertError(Condition.FORBIDDEN, handle(handler, macbeth, stored, Relation.CONTACT));
        assertError(Condition.FORBIDDEN, handle(handler, RETRIEVE.withTo(HAMLET), stored, Relation.CONTACT));
        assertError(Condition.SERVICE_UNAVAILABLE, handle(handler, macbeth, stored, Relation.STRANGER));
        assertError(Condition.SERVICE_UNAVAILABLE, handle(handler, RETRIEVE.withTo(HAMLET), stored, Relation.STRANGER));
    }

    @Test
    void theServerItselfKeepsNoPrivateData() {
        IqContext server = IqContext.server(new DomainJid("shakespeare.lit"), CLOCK);
        assertError(Condition.SERVICE_UNAVAILABLE, handler.handle(RETRIEVE.withTo(new DomainJid("shakespeare.lit")), server));
    }

    @Test
    void aQueryWithoutAnElementIsNotAcceptable() {
        // XEP-0049 Example 4.
        Iq empty = Xml.iq("<iq type='set' id='1004'><query xmlns='jabber:iq:private'/></iq>");
        assertError(Condition.NOT_ACCEPTABLE, handle(handler, empty, Account.EMPTY, Relation.SELF));
        assertError(Condition.NOT_ACCEPTABLE, handle(handler, query(Iq.Type.GET), Account.EMPTY, Relation.SELF));
    }

    @Test
    void reservedNamespacesAreNotAcceptable() {
        // XEP-0049 Example 5: a vCard in private storage.
        Iq vcard = Xml.iq("""
            <iq type="set" id="1005">
              <query xmlns="jabber:iq:private"><vCard xmlns="vcard-temp"><FN>Hamlet</FN></vCard></query>
            </iq>""");
        assertError(Condition.NOT_ACCEPTABLE, handle(handler, vcard, Account.EMPTY, Relation.SELF));
        for (String ns : List.of("jabber:iq:roster", "http://jabber.org/protocol/disco#info", "")) {
            assertError(Condition.NOT_ACCEPTABLE,
                handle(handler, query(Iq.Type.GET, Element.of("x", ns)), Account.EMPTY, Relation.SELF));
        }
        // A child written without xmlns takes the query's own namespace, which is reserved too.
        Iq inherited = Xml.iq("<iq type='get' id='1'><query xmlns='jabber:iq:private'><prefs/></query></iq>");
        assertError(Condition.NOT_ACCEPTABLE, handle(handler, inherited, Account.EMPTY, Relation.SELF));
    }

    @Test
    void namespacesOfCommonPrivateDataAreNotReserved() {
        for (String ns : List.of("storage:bookmarks", "storage:rosternotes", "exodus:prefs", "urn:xmpp:x")) {
            assertFalse(PrivateHandler.reserved(ns), ns);
        }
    }

    @Test
    void elementsOfTwoNamespacesInOneQueryAreABadRequest() {
        IqResult r = handle(handler, query(Iq.Type.SET, prefs("a"), Element.of("storage", "storage:bookmarks")),
            Account.EMPTY, Relation.SELF);
        assertError(Condition.BAD_REQUEST, r);
    }

    @Test
    void theSameElementTwiceInOneQueryIsABadRequest() {
        assertError(Condition.BAD_REQUEST,
            handle(handler, query(Iq.Type.SET, prefs("a"), prefs("a")), Account.EMPTY, Relation.SELF));
    }

    @Test
    void anElementOverTheSizeLimitIsNotAcceptable() {
        PrivateHandler small = new PrivateHandler(PREFS.weight(), 10);
        assertInstanceOf(IqResult.PersistThenReply.class, handle(small, STORE, Account.EMPTY, Relation.SELF));
        IqResult r = handle(small, query(Iq.Type.SET, PREFS.withAttr("v", "2")), Account.EMPTY, Relation.SELF);
        assertError(Condition.NOT_ACCEPTABLE, r);
        assertTrue(errorText(r).contains("too large"), errorText(r));
    }

    @Test
    void aNewElementBeyondTheLimitOfStoredElementsIsRefusedAsAQuota() {
        PrivateHandler two = new PrivateHandler(PrivateHandler.DEFAULT_MAX_WEIGHT, 2);
        Account full = Account.EMPTY.withPrivate(prefs("a")).withPrivate(prefs("b"));
        IqResult r = handle(two, query(Iq.Type.SET, prefs("c")), full, Relation.SELF);
        assertError(Condition.RESOURCE_CONSTRAINT, r);
        Iq reply = ((IqResult.Reply) r).reply();
        assertEquals("cancel", reply.child("error", "jabber:client").orElseThrow().attr("type"));
        assertTrue(errorText(r).contains("full"), errorText(r));
    }

    @Test
    void replacingOrClearingAnElementIsAllowedWhenStorageIsFull() {
        PrivateHandler two = new PrivateHandler(PrivateHandler.DEFAULT_MAX_WEIGHT, 2);
        Account full = Account.EMPTY.withPrivate(prefs("a")).withPrivate(prefs("b"));
        assertInstanceOf(IqResult.PersistThenReply.class, handle(two, query(Iq.Type.SET, prefs("a")), full, Relation.SELF));
        // Clearing one and adding another in the same set stays within the limit.
        assertInstanceOf(IqResult.PersistThenReply.class, handle(two,
            query(Iq.Type.SET, Element.of("a", "exodus:prefs"), prefs("c")), full, Relation.SELF));
    }

    @Test
    void clearedElementsDoNotCountAgainstTheLimit() {
        PrivateHandler two = new PrivateHandler(PrivateHandler.DEFAULT_MAX_WEIGHT, 2);
        Account cleared = Account.EMPTY.withPrivate(prefs("a")).withPrivate(Element.of("b", "exodus:prefs"));
        assertInstanceOf(IqResult.PersistThenReply.class, handle(two, query(Iq.Type.SET, prefs("c")), cleared, Relation.SELF));
    }

    @Test
    void onlyPrivateStorageRequestsAreOwnedAndTheFeatureIsJabberIqPrivate() {
        assertTrue(handler.owns(STORE));
        assertTrue(handler.owns(RETRIEVE));
        assertFalse(handler.owns(RETRIEVE.result()));
        assertFalse(handler.owns(Iq.of(null, null, "v", Iq.Type.GET, Element.of("vCard", "vcard-temp"))));
        assertEquals(Set.of("jabber:iq:private"), handler.discoFeatures());
    }

    @Test
    void aStoredElementEventPrintsItsKeyButNotItsContent() {
        String s = new PrivateStored("{exodus:prefs}exodus", PREFS).toString();
        assertTrue(s.contains("exodus:prefs"));
        assertFalse(s.contains("Hamlet"));
    }
}
