package chorus.node.it;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PEP limits attacked over real sockets, several connections at once (two per account, four accounts): items
 * per node ({@code chorus.pep.max-items}), item size ({@code max-item-size}), nodes per account ({@code max-nodes})
 * and all items of an account ({@code max-total-size}). Every refusal is the stanza error XEP-0060 names, and
 * what is kept afterwards is within the limits.
 */
class PepLimitsIT {
    static final String HOST = "127.0.11.2";
    static final int MAX_ITEMS = 8;
    static final int MAX_NODES = 4;
    static final int ITEM_SIZE = 1024;
    static final int TOTAL = 12 * 1024;
    static final int ACCOUNTS = 4;
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static final List<XMPPTCPConnection> connections = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST,
            "chorus.cluster.port", TestNode.freePort(),
            "chorus.pep.max-items", MAX_ITEMS, "chorus.pep.max-nodes", MAX_NODES,
            "chorus.pep.max-item-size", ITEM_SIZE + "B", "chorus.pep.max-total-size", TOTAL + "B",
            "chorus.c2s.rate.stanzas-per-second", 0, "chorus.c2s.rate.bytes-per-second", 0));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.endpoint().dataDir());
        for (int a = 0; a < ACCOUNTS; a++) {
            node.createUser("user" + a, "pw");
            for (int r = 0; r < 2; r++) {
                connections.add(Clients.login(endpoint, "user" + a, "pw", "r" + r));
            }
        }
    }

    @AfterAll
    static void stop() {
        connections.forEach(XMPPTCPConnection::disconnect);
        if (node != null) {
            node.close();
        }
    }

    /** Each test starts from accounts without nodes (the total size is shared by all of an account's nodes). */
    @org.junit.jupiter.api.BeforeEach
    void noNodes() throws Exception {
        for (int i = 0; i < connections.size(); i += 2) {
            XMPPTCPConnection c = connections.get(i);
            for (var item : ServiceDiscoveryManager.getInstanceFor(c).discoverItems(c.getUser().asBareJid()).getItems()) {
                PepIq.send(c, c.getUser().asBareJid(), IQ.Type.set, PepIq.NS + "#owner",
                    "<delete node='" + item.getNode() + "'/>");
            }
        }
    }

    static String payload(int chars) {
        return "<blob xmlns='urn:chorus:test:blob'>" + "x".repeat(chars) + "</blob>";
    }



    static int count(String xml, String what) {
        Matcher m = Pattern.compile(what).matcher(xml);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aNodeKeepsAtMostMaxItemsAndAMaxItemsAboveTheLimitIsRefused() throws Exception {
        PepIq.together(connections, (c, n) -> {
            for (int i = 0; i < 3 * MAX_ITEMS; i++) {
                PepIq.publish(c, "flood", "c" + n + "-" + i, payload(64), "pubsub#max_items", "max");
            }
            // A number above the limit cannot be had: the precondition is not met (XEP-0060 §7.1.5).
            PepIq.Refusal r = PepIq.refusal(() -> PepIq.publish(c, "flood", "big", payload(8),
                "pubsub#max_items", Integer.toString(MAX_ITEMS + 1)));
            assertEquals(Condition.conflict, r.condition());
        });
        for (XMPPTCPConnection c : connections) {
            String items = PepIq.items(c, c.getUser().asBareJid(), "flood");
            assertEquals(MAX_ITEMS, count(items, "<item "), items.length() + " characters of items");
        }
    }

    @Test
    void anItemLargerThanTheLimitIsRefusedAsPayloadTooBig() throws Exception {
        PepIq.together(connections, (c, n) -> {
            for (int i = 0; i < 5; i++) {
                PepIq.Refusal r = PepIq.refusal(() -> PepIq.publish(c, "big", "i", payload(4 * ITEM_SIZE)));
                assertEquals(Condition.not_acceptable, r.condition());
                assertEquals("payload-too-big", r.app());
            }
        });
        for (XMPPTCPConnection c : connections) {
            assertEquals(Condition.item_not_found,
                PepIq.refusal(() -> PepIq.items(c, c.getUser().asBareJid(), "big")).condition());
        }
    }

    @Test
    void anAccountGetsAtMostMaxNodesAndAtMostTheTotalSize() throws Exception {
        // Both connections of an account race for the same node names and beyond.
        PepIq.together(connections, (c, n) -> {
            int refusedNodes = 0;
            int refusedSize = 0;
            for (int k = 0; k < 2 * MAX_NODES; k++) {
                for (int i = 0; i < MAX_ITEMS; i++) {
                    try {
                        PepIq.publish(c, "n" + k, "r" + (n % 2) + "-" + i, payload(ITEM_SIZE - 100),
                            "pubsub#max_items", "max");
                    } catch (org.jivesoftware.smack.XMPPException.XMPPErrorException e) {
                        PepIq.Refusal r = PepIq.Refusal.of(e);
                        if ("max-nodes-exceeded".equals(r.app())) {
                            assertEquals(Condition.not_allowed, r.condition());
                            refusedNodes++;
                        } else {
                            assertEquals(Condition.not_acceptable, r.condition(), r.toString());
                            refusedSize++;
                        }
                    }
                }
            }
            assertTrue(refusedSize > 0, "the total size was reached");
        });
        for (XMPPTCPConnection c : connections) {
            var nodes = ServiceDiscoveryManager.getInstanceFor(c).discoverItems(c.getUser().asBareJid()).getItems();
            assertTrue(nodes.size() <= MAX_NODES, nodes.size() + " nodes");
            int kept = 0;
            for (var item : nodes) {
                kept += PepIq.items(c, c.getUser().asBareJid(), item.getNode()).length();
            }
            // What the account holds is within the total (the replies' markup counted too, hence the margin).
            assertTrue(kept <= TOTAL + nodes.size() * MAX_ITEMS * 200, kept + " characters kept");
        }
        // The node still serves: an ordinary publish of another kind goes through.
        XMPPTCPConnection c = connections.get(0);
        PepIq.send(c, c.getUser().asBareJid(), IQ.Type.set, PepIq.NS + "#owner", "<delete node='n0'/>");
        assertEquals(IQ.Type.result, PepIq.publish(c, "fresh", "1", payload(16)).getType());
    }
}
