package chorus.actors.pubsub;

import chorus.actors.feature.Xml;
import chorus.actors.feature.pep.PepLimits;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PubSubLogicTest {
    static final String SERVICE = "pubsub.shakespeare.lit";
    static final String HAMLET = "hamlet@shakespeare.lit/elsinore";
    static final String HORATIO = "horatio@shakespeare.lit/castle";
    static final String STRANGER = "iago@venice.lit/street";
    static final PubSubSettings SETTINGS = new PubSubSettings(true, "pubsub", new PepLimits(200, 8, 3, 1000), 4, 2, 2);

    final AtomicInteger next = new AtomicInteger();
    final PubSubLogic logic = new PubSubLogic(new DomainJid(SERVICE), "shakespeare.lit", SETTINGS,
        () -> "id" + next.incrementAndGet());
    Map<String, ServiceNode> nodes = new LinkedHashMap<>();
    PubSubLogic.Outcome last;

    /** Decides the request from {@code from} and keeps its events. */
    Iq ask(String from, String type, String ns, String inner) {
        Iq iq = (Iq) Stanza.fromElement(Xml.parse("<iq from='" + from + "' to='" + SERVICE + "' type='" + type
            + "' id='q'><pubsub xmlns='" + ns + "'>" + inner + "</pubsub></iq>"));
        last = logic.decide(iq, nodes);
        for (PubSubEvent e : last.events()) {
            nodes = e.applyTo(nodes);
        }
        return last.reply();
    }

    Iq set(String from, String inner) {
        return ask(from, "set", PubSubLogic.NS, inner);
    }

    static String condition(Iq reply) {
        assertEquals(Iq.Type.ERROR, reply.type(), reply::toString);
        return StanzaError.conditionOf(reply).xml();
    }

    static String app(Iq reply) {
        return reply.payload().flatMap(e -> e.childIn("http://jabber.org/protocol/pubsub#errors"))
            .map(Element::name).orElse(null);
    }

    static String form(String... fields) {
        StringBuilder s = new StringBuilder("<x xmlns='jabber:x:data' type='submit'>");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            s.append("<field var='").append(fields[i]).append("'><value>").append(fields[i + 1]).append("</value></field>");
        }
        return s.append("</x>").toString();
    }

    static String item(String id, String text) {
        return "<item id='" + id + "'><entry xmlns='http://www.w3.org/2005/Atom'>" + text + "</entry></item>";
    }

    @Test
    void anInstantNodeIsNamedByTheServiceAndOwnedByItsCreator() {
        Iq reply = set(HAMLET, "<create/>");
        assertEquals("id1", reply.payload().orElseThrow().child("create", PubSubLogic.NS).orElseThrow().attr("node"));
        assertEquals("hamlet@shakespeare.lit", nodes.get("id1").owner());
        assertEquals("conflict", condition(set(HORATIO, "<create node='id1'/>")));
    }

    @Test
    void aNotificationOnlyNodeTakesAPublishWithoutAnItemAndForbidsOneWithAnItem() {
        set(HAMLET, "<create node='ping'/><configure>" + form("pubsub#deliver_payloads", "0", "pubsub#persist_items", "0")
            + "</configure>");
        set(HORATIO, "<subscribe node='ping' jid='" + HORATIO + "'/>");
        assertEquals(Iq.Type.RESULT, set(HAMLET, "<publish node='ping'/>").type());
        assertEquals(1, last.notifications().size());
        // XEP-0060 §7.1.3.6
        Iq refused = set(HAMLET, "<publish node='ping'>" + item("1", "x") + "</publish>");
        assertEquals("bad-request", condition(refused));
        assertEquals("item-forbidden", app(refused));
        assertTrue(nodes.get("ping").items().isEmpty());
    }

    @Test
    void aPersistentNodeNeedsAnItemKeepsMaxItemsAndNotifiesSubscribersFromTheService() {
        set(HAMLET, "<create node='news'/><configure>" + form("pubsub#max_items", "2") + "</configure>");
        assertEquals("item-required", app(set(HAMLET, "<publish node='news'/>")));
        assertEquals("subscribed", set(HORATIO, "<subscribe node='news' jid='" + HORATIO + "'/>").payload().orElseThrow()
            .child("subscription", PubSubLogic.NS).orElseThrow().attr("subscription"));
        for (String id : new String[] {"a", "b", "c"}) {
            set(HAMLET, "<publish node='news'>" + item(id, "text " + id) + "</publish>");
        }
        assertEquals(2, nodes.get("news").items().size());
        assertEquals("b", nodes.get("news").items().get(0).id());
        Message m = last.notifications().get(0);
        assertEquals(SERVICE, m.from().toString());
        assertEquals(HORATIO, m.to().toString());
        assertEquals("text c", m.child("event", PubSubLogic.EVENT).orElseThrow().child("items", PubSubLogic.EVENT)
            .orElseThrow().child("item", PubSubLogic.EVENT).orElseThrow().elements().get(0).text());
        // An open node: anyone reads it, from any server.
        Element items = ask(STRANGER, "get", PubSubLogic.NS, "<items node='news'/>").payload().orElseThrow()
            .child("items", PubSubLogic.NS).orElseThrow();
        assertEquals(2, items.elements("item", PubSubLogic.NS).size());
    }

    @Test
    void onlyTheOwnerPublishesAndOptionsTheNodeDoesNotHaveAreAPreconditionConflict() {
        set(HAMLET, "<create node='n'/>");
        assertEquals("forbidden", condition(set(HORATIO, "<publish node='n'>" + item("1", "x") + "</publish>")));
        Iq conflict = set(HAMLET, "<publish node='n'>" + item("1", "x") + "</publish><publish-options>"
            + form("FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options", "pubsub#access_model", "whitelist")
            + "</publish-options>");
        assertEquals("conflict", condition(conflict));
        assertEquals("precondition-not-met", app(conflict));
        assertEquals(Iq.Type.RESULT, set(HAMLET, "<publish node='n'>" + item("1", "x") + "</publish><publish-options>"
            + form("pubsub#access_model", "open", "pubsub#max_items", "3") + "</publish-options>").type());
    }

    @Test
    void aWhitelistNodeIsClosedToOthersAndHiddenFromTheirDisco() {
        set(HAMLET, "<create node='diary'/><configure>" + form("pubsub#access_model", "whitelist") + "</configure>");
        assertEquals("closed-node", app(ask(HORATIO, "get", PubSubLogic.NS, "<items node='diary'/>")));
        assertEquals("closed-node", app(set(HORATIO, "<subscribe node='diary' jid='" + HORATIO + "'/>")));
        assertEquals(Iq.Type.RESULT, ask(HAMLET, "get", PubSubLogic.NS, "<items node='diary'/>").type());
        Iq disco = (Iq) Stanza.fromElement(Xml.parse("<iq from='" + HORATIO + "' to='" + SERVICE
            + "' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"));
        assertTrue(ServiceDisco.answer(disco, nodes).payload().orElseThrow().elements().isEmpty());
    }

    @Test
    void theLimitsHoldNodesPerOwnerAndServiceItemSizeAndSubscribers() {
        set(HAMLET, "<create node='a'/>");
        set(HAMLET, "<create node='b'/>");
        assertEquals("max-nodes-exceeded", app(set(HAMLET, "<create node='c'/>")));
        set(HORATIO, "<create node='c'/>");
        set(HORATIO, "<create node='d'/>");
        assertEquals("max-nodes-exceeded", app(set("ophelia@shakespeare.lit/r", "<create node='e'/>")));
        Iq big = set(HAMLET, "<publish node='a'>" + item("1", "x".repeat(300)) + "</publish>");
        assertEquals("payload-too-big", app(big));
        set("s1@shakespeare.lit/r", "<subscribe node='a' jid='s1@shakespeare.lit/r'/>");
        set("s2@shakespeare.lit/r", "<subscribe node='a' jid='s2@shakespeare.lit/r'/>");
        assertEquals("not-allowed", condition(set("s3@shakespeare.lit/r", "<subscribe node='a' jid='s3@shakespeare.lit/r'/>")));
        assertEquals("invalid-jid", app(set(HORATIO, "<subscribe node='a' jid='" + HAMLET + "'/>")));
        assertEquals("forbidden", condition(set(STRANGER, "<create node='z'/>")));
    }

    @Test
    void theOwnerConfiguresDeletesAndSubscribersHearOfTheDeletion() {
        set(HAMLET, "<create node='n'/>");
        set(HORATIO, "<subscribe node='n' jid='" + HORATIO + "'/>");
        Iq form = ask(HAMLET, "get", PubSubLogic.OWNER, "<configure node='n'/>");
        assertTrue(form.payload().orElseThrow().child("configure", PubSubLogic.OWNER).orElseThrow()
            .child("x", "jabber:x:data").isPresent());
        assertEquals("forbidden", condition(ask(HORATIO, "get", PubSubLogic.OWNER, "<configure node='n'/>")));
        ask(HAMLET, "set", PubSubLogic.OWNER, "<configure node='n'>" + form("pubsub#max_items", "3") + "</configure>");
        assertEquals(3, nodes.get("n").config().maxItems());
        assertEquals("forbidden", condition(ask(HORATIO, "set", PubSubLogic.OWNER, "<delete node='n'/>")));
        ask(HAMLET, "set", PubSubLogic.OWNER, "<delete node='n'/>");
        assertNull(nodes.get("n"));
        assertEquals(1, last.notifications().size());
        assertTrue(last.notifications().get(0).child("event", PubSubLogic.EVENT).orElseThrow()
            .child("delete", PubSubLogic.EVENT).isPresent());
        assertFalse(ask(HORATIO, "get", PubSubLogic.OWNER, "<default/>").isError());
    }

    @Test
    void aRemovedAccountsNodesAreDeletedAndItsSubscriptionsEnd() {
        set(HAMLET, "<create node='mine'/>");
        set(HORATIO, "<create node='his'/>");
        set(HORATIO, "<subscribe node='mine' jid='" + HORATIO + "'/>");
        set(HAMLET, "<subscribe node='his' jid='" + HAMLET + "'/>");
        last = logic.forget("hamlet@shakespeare.lit", nodes);
        for (PubSubEvent e : last.events()) {
            nodes = e.applyTo(nodes);
        }
        assertEquals(java.util.Set.of("his"), nodes.keySet());
        assertTrue(nodes.get("his").subscribers().isEmpty());
        assertEquals(HORATIO, last.notifications().get(0).to().toString(), "the subscriber hears of the deletion");
    }
}
