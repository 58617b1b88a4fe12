package chorus.actors.feature.pep;

import chorus.actors.feature.Account;
import chorus.actors.feature.IqContext.Relation;
import chorus.actors.feature.Xml;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PepHandlerTest {
    static final BareJid JULIET = BareJid.parseBare("juliet@capulet.lit");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
    static final String TUNE = "http://jabber.org/protocol/tune";
    static final String ERRORS = "http://jabber.org/protocol/pubsub#errors";

    final PepHandler handler = new PepHandler(PepLimits.DEFAULT, () -> "generated-1");

    /** XEP-0163 Example 1: the user publishes a tune, with an item id. */
    static Iq publishTune(String itemId) {
        return Xml.iq("<iq from='juliet@capulet.lit/balcony' type='set' id='pub1'>"
            + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='http://jabber.org/protocol/tune'>"
            + (itemId == null ? "<item>" : "<item id='" + itemId + "'>")
            + "<tune xmlns='http://jabber.org/protocol/tune'><artist>Gerald Finzi</artist><length>255</length>"
            + "<title>Dance</title></tune></item></publish></pubsub></iq>");
    }

    static Iq itemsGet(String node, String from) {
        return Xml.iq("<iq from='" + from + "' to='juliet@capulet.lit' type='get' id='items1'>"
            + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" + node + "'/></pubsub></iq>");
    }

    PepHandler.Outcome decide(Iq iq, Account account, Relation relation) {
        return handler.decide(iq, account.context(JULIET, relation, CLOCK));
    }

    /** Publishes and applies the events, as the user entity does. */
    Account published(Account a, Iq iq) {
        PepHandler.Outcome o = decide(iq, a, Relation.SELF);
        assertEquals(Iq.Type.RESULT, o.reply().type(), "publish refused: " + o.reply());
        return a.withPep(o.events());
    }

    static Condition condition(Iq reply) {
        assertEquals(Iq.Type.ERROR, reply.type());
        return StanzaError.conditionOf(reply);
    }

    static String appCondition(Iq reply) {
        return reply.child("error", "jabber:client").flatMap(e -> e.childIn(ERRORS)).map(Element::name).orElse(null);
    }

    @Test
    void publishingCreatesTheNodeAndAnswersWithTheItemId() {
        PepHandler.Outcome o = decide(publishTune("bffe6584-0f9c-11dc-84ba-001143d5d5db"), Account.EMPTY, Relation.SELF);
        Element publish = o.reply().payload().orElseThrow().child("publish", PepHandler.NS).orElseThrow();
        assertEquals(TUNE, publish.attr("node"));
        assertEquals("bffe6584-0f9c-11dc-84ba-001143d5d5db", publish.child("item", PepHandler.NS).orElseThrow().attr("id"));
        PepEvent.Published e = assertInstanceOf(PepEvent.Published.class, o.events().get(0));
        assertEquals(PepConfig.DEFAULT, e.config());
        PepHandler.Notification n = o.notification().orElseThrow();
        assertEquals(TUNE, n.node());
        assertEquals(PepConfig.PRESENCE, n.access());
        Element items = n.event().child("items", PepHandler.EVENT).orElseThrow();
        assertEquals("bffe6584-0f9c-11dc-84ba-001143d5d5db", items.child("item", PepHandler.EVENT).orElseThrow().attr("id"));
        assertTrue(items.child("item", PepHandler.EVENT).orElseThrow().child("tune", TUNE).isPresent());
    }

    @Test
    void anItemWithoutIdGetsOneFromTheServer() {
        PepHandler.Outcome o = decide(publishTune(null), Account.EMPTY, Relation.SELF);
        assertEquals("generated-1", o.reply().payload().orElseThrow().child("publish", PepHandler.NS).orElseThrow()
            .child("item", PepHandler.NS).orElseThrow().attr("id"));
    }

    @Test
    void theNodeKeepsOnlyTheLastItemByDefault() {
        Account a = published(published(Account.EMPTY, publishTune("one")), publishTune("two"));
        PepNode node = a.pep().get(TUNE);
        assertEquals(1, node.items().size());
        assertEquals("two", node.last().orElseThrow().id());
    }

    @Test
    void aContactRetrievesTheItemsAndAStrangerGetsServiceUnavailable() {
        Account a = published(Account.EMPTY, publishTune("one"));
        Iq r = decide(itemsGet(TUNE, "romeo@montague.lit/orchard"), a, Relation.CONTACT).reply();
        Element items = r.payload().orElseThrow().child("items", PepHandler.NS).orElseThrow();
        assertEquals("one", items.child("item", PepHandler.NS).orElseThrow().attr("id"));
        assertEquals(Condition.SERVICE_UNAVAILABLE,
            condition(decide(itemsGet(TUNE, "iago@example.lit/x"), a, Relation.STRANGER).reply()));
    }

    @Test
    void aStrangerRetrievesAnOpenNode() {
        Iq open = Xml.iq("<iq from='juliet@capulet.lit/balcony' type='set' id='p'>"
            + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:avatar:metadata'>"
            + "<item id='a'><metadata xmlns='urn:xmpp:avatar:metadata'/></item></publish>"
            + "<publish-options><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
            + "<field var='pubsub#access_model'><value>open</value></field></x></publish-options></pubsub></iq>");
        Account a = published(Account.EMPTY, open);
        assertEquals(PepConfig.OPEN, a.pep().get("urn:xmpp:avatar:metadata").config().access());
        assertEquals(Iq.Type.RESULT,
            decide(itemsGet("urn:xmpp:avatar:metadata", "iago@example.lit/x"), a, Relation.STRANGER).reply().type());
    }

    @Test
    void publishOptionsTheNodeDoesNotHaveAreAPreconditionNotMet() {
        Account a = published(Account.EMPTY, publishTune("one"));
        Iq withOpen = Xml.iq("<iq from='juliet@capulet.lit/balcony' type='set' id='p'>"
            + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='http://jabber.org/protocol/tune'>"
            + "<item id='two'><tune xmlns='http://jabber.org/protocol/tune'/></item></publish>"
            + "<publish-options><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
            + "<field var='pubsub#access_model'><value>open</value></field></x></publish-options></pubsub></iq>");
        Iq r = decide(withOpen, a, Relation.SELF).reply();
        assertEquals(Condition.CONFLICT, condition(r));
        assertEquals("precondition-not-met", appCondition(r));
    }

    @Test
    void aWhitelistNodeWithManyItemsKeepsThemAllForTheOwnerAlone() {
        Account a = Account.EMPTY;
        for (String id : List.of("a", "b", "c")) {
            a = published(a, Xml.iq("<iq from='juliet@capulet.lit/balcony' type='set' id='p'>"
                + "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:bookmarks:1'>"
                + "<item id='" + id + "'><conference xmlns='urn:xmpp:bookmarks:1'/></item></publish>"
                + "<publish-options><x xmlns='jabber:x:data' type='submit'>"
                + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
                + "<field var='pubsub#persist_items'><value>true</value></field>"
                + "<field var='pubsub#max_items'><value>max</value></field>"
                + "<field var='pubsub#send_last_published_item'><value>never</value></field>"
                + "<field var='pubsub#access_model'><value>whitelist</value></field></x></publish-options></pubsub></iq>"));
        }
        assertEquals(3, a.pep().get("urn:xmpp:bookmarks:1").items().size());
        assertEquals(3, decide(itemsGet("urn:xmpp:bookmarks:1", "juliet@capulet.lit/balcony"), a, Relation.SELF).reply()
            .payload().orElseThrow().child("items", PepHandler.NS).orElseThrow().elements().size());
        assertEquals(Condition.ITEM_NOT_FOUND,
            condition(decide(itemsGet("urn:xmpp:bookmarks:1", "romeo@montague.lit/orchard"), a, Relation.CONTACT).reply()));
        assertEquals(java.util.Set.of(), a.pepNodesFor(Relation.CONTACT));
    }

    @Test
    void anOversizedPayloadIsNotAcceptable() {
        PepHandler small = new PepHandler(new PepLimits(100, 64, 256, 1000), () -> "x");
        Iq big = Iq.of(JULIET.withResource("balcony"), null, "big", Iq.Type.SET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("publish", PepHandler.NS).attr("node", TUNE).child(Element.build("item", PepHandler.NS)
                .child(Element.build("tune", TUNE).textChild("title", TUNE, "x".repeat(200)).get()).get()).get()).get());
        Iq r = small.decide(big, Account.EMPTY.context(JULIET, Relation.SELF, CLOCK)).reply();
        assertEquals(Condition.NOT_ACCEPTABLE, condition(r));
        assertEquals("payload-too-big", appCondition(r));
    }

    @Test
    void aNodeBeyondTheLimitIsNotAllowed() {
        PepHandler two = new PepHandler(new PepLimits(1000, 2, 256, 10_000), () -> "x");
        Account a = Account.EMPTY;
        for (String node : List.of("n1", "n2")) {
            PepHandler.Outcome o = two.decide(publishTo(node), a.context(JULIET, Relation.SELF, CLOCK));
            a = a.withPep(o.events());
        }
        Iq r = two.decide(publishTo("n3"), a.context(JULIET, Relation.SELF, CLOCK)).reply();
        assertEquals(Condition.NOT_ALLOWED, condition(r));
        assertEquals("max-nodes-exceeded", appCondition(r));
        // Publishing again to an existing node is still fine.
        assertEquals(Iq.Type.RESULT, two.decide(publishTo("n2"), a.context(JULIET, Relation.SELF, CLOCK)).reply().type());
    }

    @Test
    void theAccountsItemsTogetherHaveALimit() {
        PepHandler tight = new PepHandler(new PepLimits(100, 64, 256, 120), () -> "x");
        Account a = Account.EMPTY.withPep(tight.decide(publishTo("n1"), Account.EMPTY.context(JULIET, Relation.SELF, CLOCK)).events());
        assertEquals(Iq.Type.RESULT, tight.decide(publishTo("n1"), a.context(JULIET, Relation.SELF, CLOCK)).reply().type(),
            "a replacing item frees its predecessor's room");
        assertEquals(Condition.NOT_ACCEPTABLE,
            condition(tight.decide(publishTo("n2"), a.context(JULIET, Relation.SELF, CLOCK)).reply()));
    }

    static Iq publishTo(String node) {
        return Iq.of(JULIET.withResource("balcony"), null, "p", Iq.Type.SET, Element.build("pubsub", PepHandler.NS)
            .child(Element.build("publish", PepHandler.NS).attr("node", node).child(Element.build("item", PepHandler.NS)
                .attr("id", "i").child(Element.build("data", "urn:example").text("x".repeat(60)).get()).get()).get()).get());
    }

    @Test
    void onlyTheOwnerPublishes() {
        assertEquals(Condition.FORBIDDEN, condition(decide(publishTune("1"), Account.EMPTY, Relation.CONTACT).reply()));
        assertEquals(Condition.SERVICE_UNAVAILABLE, condition(decide(publishTune("1"), Account.EMPTY, Relation.STRANGER).reply()));
    }

    @Test
    void badRequestsGetTheirErrors() {
        Iq noNode = Xml.iq("<iq type='set' id='b'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish>"
            + "<item><x xmlns='urn:example'/></item></publish></pubsub></iq>");
        assertEquals("nodeid-required", appCondition(decide(noNode, Account.EMPTY, Relation.SELF).reply()));
        Iq twoPayloads = Xml.iq("<iq type='set' id='b'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'>"
            + "<item><x xmlns='urn:example'/><y xmlns='urn:example'/></item></publish></pubsub></iq>");
        Iq r = decide(twoPayloads, Account.EMPTY, Relation.SELF).reply();
        assertEquals(Condition.BAD_REQUEST, condition(r));
        assertEquals("invalid-payload", appCondition(r));
        assertEquals(Condition.ITEM_NOT_FOUND, condition(decide(itemsGet("nowhere", "juliet@capulet.lit/balcony"),
            Account.EMPTY, Relation.SELF).reply()));
        Iq subscribe = Xml.iq("<iq type='set' id='s'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<subscribe node='n' jid='juliet@capulet.lit'/></pubsub></iq>");
        Iq s = decide(subscribe, Account.EMPTY, Relation.SELF).reply();
        assertEquals(Condition.FEATURE_NOT_IMPLEMENTED, condition(s));
        assertEquals("unsupported", appCondition(s));
    }

    @Test
    void retractRemovesTheItemAndNotifiesWhenAsked() {
        Account a = published(Account.EMPTY, publishTune("one"));
        Iq retract = Xml.iq("<iq type='set' id='r'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<retract node='http://jabber.org/protocol/tune' notify='true'><item id='one'/></retract></pubsub></iq>");
        PepHandler.Outcome o = decide(retract, a, Relation.SELF);
        assertEquals(Iq.Type.RESULT, o.reply().type());
        assertTrue(o.notification().orElseThrow().event().child("items", PepHandler.EVENT).orElseThrow()
            .child("retract", PepHandler.EVENT).isPresent());
        assertTrue(a.withPep(o.events()).pep().get(TUNE).items().isEmpty());
        Iq missing = Xml.iq("<iq type='set' id='r'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<retract node='http://jabber.org/protocol/tune'><item id='nope'/></retract></pubsub></iq>");
        assertEquals(Condition.ITEM_NOT_FOUND, condition(decide(missing, a, Relation.SELF).reply()));
    }

    @Test
    void theOwnerDeletesANodeAndItsSubscribersHearOfIt() {
        Account a = published(Account.EMPTY, publishTune("one"));
        Iq delete = Xml.iq("<iq type='set' id='d'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
            + "<delete node='http://jabber.org/protocol/tune'/></pubsub></iq>");
        PepHandler.Outcome o = decide(delete, a, Relation.SELF);
        assertTrue(o.notification().orElseThrow().event().child("delete", PepHandler.EVENT).isPresent());
        assertTrue(a.withPep(o.events()).pep().isEmpty());
        assertEquals(Condition.ITEM_NOT_FOUND, condition(decide(delete, Account.EMPTY, Relation.SELF).reply()));
        assertEquals(Condition.FORBIDDEN, condition(decide(delete, a, Relation.CONTACT).reply()));
    }

    @Test
    void theOwnerConfiguresANodeAndALowerMaxItemsDropsTheOldest() {
        Account a = Account.EMPTY;
        Iq create = Xml.iq("<iq type='set' id='c'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
            + "<create node='n'/><configure><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='pubsub#max_items'><value>3</value></field><field var='pubsub#title'><value>ignored</value></field>"
            + "</x></configure></pubsub></iq>");
        a = published(a, create);
        assertEquals(Condition.CONFLICT, condition(decide(create, a, Relation.SELF).reply()));
        for (int i = 0; i < 3; i++) {
            a = a.withPep(handler.decide(publishTo("n").withFrom(JULIET.withResource("b")),
                a.context(JULIET, Relation.SELF, CLOCK)).events());
        }
        Iq get = Xml.iq("<iq type='get' id='g'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
            + "<configure node='n'/></pubsub></iq>");
        Element form = decide(get, a, Relation.SELF).reply().payload().orElseThrow()
            .child("configure", PepHandler.OWNER).orElseThrow().child("x", "jabber:x:data").orElseThrow();
        assertTrue(form.elements().stream().anyMatch(f -> "pubsub#max_items".equals(f.attr("var"))
            && f.childText("value", "jabber:x:data").orElse("").equals("3")));
        Iq set = Xml.iq("<iq type='set' id='s'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
            + "<configure node='n'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='pubsub#access_model'><value>open</value></field></x></configure></pubsub></iq>");
        a = published(a, set);
        assertEquals(PepConfig.OPEN, a.pep().get("n").config().access());
        Iq roster = Xml.iq("<iq type='set' id='s'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>"
            + "<configure node='n'><x xmlns='jabber:x:data' type='submit'>"
            + "<field var='pubsub#access_model'><value>roster</value></field></x></configure></pubsub></iq>");
        assertEquals(Condition.NOT_ACCEPTABLE, condition(decide(roster, a, Relation.SELF).reply()));
    }
}
