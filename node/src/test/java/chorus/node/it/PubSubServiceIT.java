package chorus.node.it;

import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pubsub service at pubsub.DOMAIN (XEP-0060) over real sockets on Cassandra with Smack 4.4.8: found through the
 * server's disco#items, nodes created and configured with Smack's PubSubManager, a subscriber notified, an open node
 * read by anyone and a whitelist one closed; and its limits attacked by several connections at once (nodes of the
 * service and of one owner, subscribers of a node, item size, items per node).
 */
class PubSubServiceIT {
    static final String HOST = "127.0.11.3";
    static final int MAX_NODES = 6;
    static final int PER_OWNER = 3;
    static final int SUBSCRIBERS = 4;
    static final int MAX_ITEMS = 4;
    static final int ACCOUNTS = 4;
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static DomainBareJid service;
    static final List<XMPPTCPConnection> connections = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST,
            "chorus.cluster.port", TestNode.freePort(),
            "chorus.pubsub.max-nodes", MAX_NODES, "chorus.pubsub.max-nodes-per-owner", PER_OWNER,
            "chorus.pubsub.max-subscribers", SUBSCRIBERS, "chorus.pep.max-items", MAX_ITEMS,
            "chorus.pep.max-item-size", "1KiB",
            "chorus.c2s.rate.stanzas-per-second", 0, "chorus.c2s.rate.bytes-per-second", 0));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.endpoint().dataDir());
        for (int a = 0; a < ACCOUNTS; a++) {
            node.createUser("user" + a, "pw");
            for (int r = 0; r < 2; r++) {
                connections.add(Clients.login(endpoint, "user" + a, "pw", "r" + r));
            }
        }
        service = JidCreate.domainBareFrom("pubsub." + TestNode.DOMAIN);
    }

    @AfterAll
    static void stop() {
        connections.forEach(XMPPTCPConnection::disconnect);
        if (node != null) {
            node.close();
        }
    }

    static XMPPTCPConnection c(int i) {
        return connections.get(i);
    }

    static String blob(int chars) {
        return "<blob xmlns='urn:chorus:test:blob'>" + "x".repeat(chars) + "</blob>";
    }

    @Test
    void theServiceIsFoundAndItsNodesWorkThroughSmack() throws Exception {
        assertEquals(service, PubSubManager.getPubSubService(c(0)));
        PubSubManager owner = PubSubManager.getInstanceFor(c(0), service);
        FillableConfigureForm form = owner.getDefaultConfiguration().getFillableForm();
        form.setAccessModel(AccessModel.open);
        form.setMaxItems(2);
        LeafNode news = (LeafNode) owner.createNode("news", form);
        try {
            // A subscriber on another account hears of a publish, with the payload.
            LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
            LeafNode seen = PubSubManager.getInstanceFor(c(2), service).getLeafNode("news");
            seen.addItemEventListener((ItemEventListener<PayloadItem<?>>) e ->
                e.getItems().forEach(i -> heard.add(i.getId())));
            seen.subscribe(c(2).getUser());
            for (String id : List.of("a", "b", "c")) {
                news.publish(new PayloadItem<>(id, new SimplePayload("<entry xmlns='urn:chorus:test'>" + id + "</entry>")));
            }
            for (String id : List.of("a", "b", "c")) {
                assertEquals(id, heard.poll(20, TimeUnit.SECONDS));
            }
            // An open node: another account reads it; max_items 2 kept the newest two.
            List<PayloadItem<?>> items = PubSubManager.getInstanceFor(c(4), service).getLeafNode("news").getItems();
            assertEquals(List.of("b", "c"), items.stream().map(PayloadItem::getId).toList());
            // Only the owner publishes.
            assertEquals(Condition.forbidden, PepIq.refusal(() -> PepIq.send(c(4), service, IQ.Type.set, PepIq.NS,
                "<publish node='news'><item id='x'>" + blob(4) + "</item></publish>")).condition());
        } finally {
            owner.deleteNode("news");
        }
    }

    @Test
    void aWhitelistNodeIsClosedToOthersAndPreconditionsHold() throws Exception {
        PubSubManager owner = PubSubManager.getInstanceFor(c(0), service);
        FillableConfigureForm form = owner.getDefaultConfiguration().getFillableForm();
        form.setAccessModel(AccessModel.whitelist);
        owner.createNode("diary", form);
        try {
            PepIq.Refusal r = PepIq.refusal(() -> PepIq.send(c(2), service, IQ.Type.get, PepIq.NS, "<items node='diary'/>"));
            assertEquals(Condition.not_allowed, r.condition());
            assertEquals("closed-node", r.app());
            r = PepIq.refusal(() -> PepIq.send(c(0), service, IQ.Type.set, PepIq.NS,
                "<publish node='diary'><item id='1'>" + blob(4) + "</item></publish><publish-options>"
                    + "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>"
                    + PepIq.NS + "#publish-options</value></field><field var='pubsub#access_model'><value>open"
                    + "</value></field></x></publish-options>"));
            assertEquals(Condition.conflict, r.condition());
            assertEquals("precondition-not-met", r.app());
        } finally {
            owner.deleteNode("diary");
        }
    }

    @Test
    void theLimitsHoldAgainstSeveralConnectionsAtOnce() throws Exception {
        // user0 owns the node the rest of the test attacks; then everyone races for nodes.
        PepIq.send(c(0), service, IQ.Type.set, PepIq.NS, "<create node='target'/><configure>"
            + "<x xmlns='jabber:x:data' type='submit'><field var='pubsub#max_items'><value>max</value></field></x>"
            + "</configure>");
        java.util.Queue<int[]> made = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try {
            AtomicInteger refused = new AtomicInteger();
            PepIq.together(connections, (c, n) -> {
                for (int k = 0; k < PER_OWNER + 2; k++) {
                    try {
                        PepIq.send(c, service, IQ.Type.set, PepIq.NS, "<create node='c" + n + "-" + k + "'/>");
                        made.add(new int[] {n, k});
                    } catch (XMPPErrorException e) {
                        PepIq.Refusal r = PepIq.Refusal.of(e);
                        assertEquals(Condition.not_allowed, r.condition());
                        assertEquals("max-nodes-exceeded", r.app());
                        refused.incrementAndGet();
                    }
                }
            });
            assertEquals(MAX_NODES - 1, made.size(), "the service holds exactly its cap");
            assertEquals(connections.size() * (PER_OWNER + 2) - (MAX_NODES - 1), refused.get());
            for (int a = 0; a < ACCOUNTS; a++) {
                int account = a;
                long owned = made.stream().filter(m -> m[0] / 2 == account).count() + (a == 0 ? 1 : 0);
                assertTrue(owned <= PER_OWNER, owned + " nodes of user" + a);
            }

            // Everyone subscribes to one node at once: it takes SUBSCRIBERS of them.
            AtomicInteger subscribed = new AtomicInteger();
            PepIq.together(connections, (c, n) -> {
                try {
                    PepIq.send(c, service, IQ.Type.set, PepIq.NS, "<subscribe node='target' jid='" + c.getUser() + "'/>");
                    subscribed.incrementAndGet();
                } catch (XMPPErrorException e) {
                    assertEquals(Condition.not_allowed, e.getStanzaError().getCondition());
                }
            });
            assertEquals(SUBSCRIBERS, subscribed.get());

            // The owner's two connections flood the node with items and try oversized ones.
            PepIq.together(connections, (c, n) -> {
                if (n >= 2) {
                    return;
                }
                for (int i = 0; i < 3 * MAX_ITEMS; i++) {
                    PepIq.send(c, service, IQ.Type.set, PepIq.NS, "<publish node='target'><item id='i" + n + "-" + i
                        + "'>" + blob(100) + "</item></publish>");
                }
                PepIq.Refusal r = PepIq.refusal(() -> PepIq.send(c, service, IQ.Type.set, PepIq.NS,
                    "<publish node='target'><item id='big'>" + blob(4096) + "</item></publish>"));
                assertEquals(Condition.not_acceptable, r.condition());
                assertEquals("payload-too-big", r.app());
            });
            String items = PepIq.send(c(5), service, IQ.Type.get, PepIq.NS, "<items node='target'/>").toXML().toString();
            assertEquals(MAX_ITEMS, items.split("<item ", -1).length - 1, "items kept");
        } finally {
            for (int[] m : made) {
                PepIq.send(c(m[0]), service, IQ.Type.set, PepIq.NS + "#owner", "<delete node='c" + m[0] + "-" + m[1] + "'/>");
            }
            PepIq.send(c(0), service, IQ.Type.set, PepIq.NS + "#owner", "<delete node='target'/>");
        }
    }


}
