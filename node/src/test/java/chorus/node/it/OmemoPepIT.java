package chorus.node.it;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError.Condition;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.form.ConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.jivesoftware.smackx.pubsub.packet.PubSubNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;

import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PEP as OMEMO clients use it (XEP-0384 0.3 as Conversations speaks it, and 0.8's {@code urn:xmpp:omemo:2} nodes),
 * over real sockets on Cassandra with Smack 4.4.8: a device list published with publish-options (XEP-0060 §7.1.5)
 * under the presence access model is read by a contact and refused to a stranger; options the node does not have
 * are a precondition conflict; the owner configures the node (§8.2) open, and the stranger reads it; a contact whose
 * client wants the node hears of each publish; retract and delete.
 */
class OmemoPepIT {
    static final String HOST = "127.0.11.1";
    static final String AXOLOTL = "eu.siacs.conversations.axolotl";
    static final String DEVICELIST = AXOLOTL + ".devicelist";
    static final String OMEMO2_DEVICES = "urn:xmpp:omemo:2:devices";
    static final String OMEMO2_BUNDLES = "urn:xmpp:omemo:2:bundles";
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static XMPPTCPConnection alice;
    static XMPPTCPConnection bob;
    static XMPPTCPConnection eve;
    static final LinkedBlockingQueue<Message> bobHeard = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST,
            "chorus.cluster.port", TestNode.freePort()));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.endpoint().dataDir());
        for (String u : List.of("alice", "bob", "eve")) {
            node.createUser(u, "pw-" + u);
        }
        alice = Clients.login(endpoint, "alice", "pw-alice", "phone");
        // Bob's client wants alice's device lists (XEP-0163 §4.3 via its caps); the listener is on before login.
        bob = new XMPPTCPConnection(Clients.config(endpoint, "bob", "pw-bob").setResource("laptop").build());
        bob.setReplyTimeout(10_000);
        ServiceDiscoveryManager.getInstanceFor(bob).addFeature(DEVICELIST + "+notify");
        bob.addAsyncStanzaListener((StanzaListener) s -> {
            Message m = (Message) s;
            if (m.getExtensionElement("event", PubSubNamespace.event.getXmlns()) != null) {
                bobHeard.add(m);
            }
        }, StanzaTypeFilter.MESSAGE);
        bob.connect().login();
        CsiIT.befriend(alice, bob);
        eve = Clients.login(endpoint, "eve", "pw-eve", "desk");
    }

    @AfterAll
    static void stop() {
        for (XMPPTCPConnection c : new XMPPTCPConnection[] {alice, bob, eve}) {
            if (c != null) {
                c.disconnect();
            }
        }
        if (node != null) {
            node.close();
        }
    }

    static BareJid aliceJid() {
        return alice.getUser().asBareJid();
    }

    static String deviceList(int... ids) {
        StringBuilder s = new StringBuilder("<list xmlns='" + AXOLOTL + "'>");
        for (int id : ids) {
            s.append("<device id='").append(id).append("'/>");
        }
        return s.append("</list>").toString();
    }

    @Test
    void aDeviceListWithPresenceAccessIsReadByAContactAndRefusedToAStranger() throws Exception {
        String node = DEVICELIST;
        PepIq.publish(alice, node, "current", deviceList(1001, 1002), "pubsub#access_model", "presence");

        // Smack's own PubSubManager at alice's bare JID, as a contact's OMEMO client fetches it.
        LeafNode seen = PubSubManager.getInstanceFor(bob, aliceJid()).getLeafNode(node);
        List<Item> items = seen.getItems();
        assertEquals(1, items.size());
        assertTrue(items.get(0).toXML().toString().contains("1002"), items.get(0).toXML().toString());

        // XEP-0163 §4.1.1 presence access: not for someone without a subscription; to a stranger the account
        // answers as if it did not exist.
        PepIq.Refusal refused = PepIq.refusal(() -> PepIq.items(eve, aliceJid(), node));
        assertEquals(Condition.service_unavailable, refused.condition());
    }

    @Test
    void optionsTheNodeDoesNotHaveAreAPreconditionConflictAndMatchingOnesAreTaken() throws Exception {
        String node = AXOLOTL + ".bundles:4711";
        String bundle = "<bundle xmlns='" + AXOLOTL + "'><signedPreKeyPublic signedPreKeyId='1'>AAAA</signedPreKeyPublic>"
            + "</bundle>";
        PepIq.publish(alice, node, "current", bundle, "pubsub#access_model", "presence", "pubsub#max_items", "1");

        // XEP-0060 §7.1.5: an existing node with another access model.
        PepIq.Refusal r = PepIq.refusal(() -> PepIq.publish(alice, node, "current", bundle, "pubsub#access_model", "open"));
        assertEquals(Condition.conflict, r.condition());
        assertEquals("precondition-not-met", r.app());
        // An option Chorus does not know cannot be met either.
        r = PepIq.refusal(() -> PepIq.publish(alice, node, "current", bundle, "pubsub#made_up", "1"));
        assertEquals(Condition.conflict, r.condition());
        assertEquals("precondition-not-met", r.app());
        // The node is unchanged: still not for strangers.
        assertEquals(Condition.service_unavailable, PepIq.refusal(() -> PepIq.items(eve, aliceJid(), node)).condition());

        // The options it has are taken.
        assertEquals(IQ.Type.result, PepIq.publish(alice, node, "current", bundle, "pubsub#access_model", "presence",
            "pubsub#max_items", "1").getType());

        // §8.2: the owner makes it open through Smack's configuration form, and then the precondition holds.
        LeafNode own = PubSubManager.getInstanceFor(alice, aliceJid()).getLeafNode(node);
        ConfigureForm current = own.getNodeConfiguration();
        assertEquals(AccessModel.presence, current.getAccessModel());
        FillableConfigureForm open = current.getFillableForm();
        open.setAccessModel(AccessModel.open);
        own.sendConfigurationForm(open);
        assertEquals(AccessModel.open, own.getNodeConfiguration().getAccessModel());
        assertEquals(IQ.Type.result,
            PepIq.publish(alice, node, "current", bundle, "pubsub#access_model", "open").getType());
        assertTrue(PepIq.items(eve, aliceJid(), node).contains("signedPreKeyPublic"), "an open bundle is for anyone");
    }

    @Test
    void omemo2NodesTakeMaxItemsMaxAndOpenAccessAndRetractAndDeleteWork() throws Exception {
        // XEP-0384 0.8 §5.3.2: one bundles node, an item per device, max_items 'max', open.
        for (int device : new int[] {31, 32, 33}) {
            PepIq.publish(alice, OMEMO2_BUNDLES, Integer.toString(device),
                "<bundle xmlns='urn:xmpp:omemo:2'><spk id='" + device + "'>AAAA</spk></bundle>",
                "pubsub#max_items", "max", "pubsub#access_model", "open");
        }
        PepIq.publish(alice, OMEMO2_DEVICES, "current",
            "<devices xmlns='urn:xmpp:omemo:2'><device id='31'/><device id='32'/><device id='33'/></devices>",
            "pubsub#access_model", "open");
        String all = PepIq.items(eve, aliceJid(), OMEMO2_BUNDLES);
        for (String id : List.of("'31'", "'32'", "'33'")) {
            assertTrue(all.contains("id=" + id) || all.contains("id=\"" + id.replace("'", "") + "\""), all);
        }

        // §7.2: a device goes.
        PepIq.send(alice, aliceJid(), IQ.Type.set, PepIq.NS,
            "<retract node='" + OMEMO2_BUNDLES + "' notify='true'><item id='32'/></retract>");
        String after = PepIq.items(eve, aliceJid(), OMEMO2_BUNDLES);
        assertFalse(after.contains("'32'") || after.contains("\"32\""), after);
        assertTrue(after.contains("'33'") || after.contains("\"33\""), after);

        // §8.4: the owner deletes the node; it is gone: item-not-found to a contact, and to a stranger the answer
        // for anything but an open node's items (as for an account that does not exist).
        PubSubManager.getInstanceFor(alice, aliceJid()).deleteNode(OMEMO2_DEVICES);
        assertEquals(Condition.item_not_found,
            PepIq.refusal(() -> PepIq.items(bob, aliceJid(), OMEMO2_DEVICES)).condition());
        assertEquals(Condition.service_unavailable,
            PepIq.refusal(() -> PepIq.items(eve, aliceJid(), OMEMO2_DEVICES)).condition());
        // A contact may not delete it.
        PepIq.Refusal r = PepIq.refusal(() -> PepIq.send(bob, aliceJid(), IQ.Type.set, PepIq.NS + "#owner",
            "<delete node='" + OMEMO2_BUNDLES + "'/>"));
        assertEquals(Condition.forbidden, r.condition());
    }

    @Test
    void aContactWhoseClientWantsTheDeviceListHearsOfEachPublish() throws Exception {
        // The server learns bob's +notify by asking his client's disco#info after his presence reached alice
        // (XEP-0115 §6.2): publish until he hears, then once more and expect exactly that list.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean heard = false;
        while (!heard && System.nanoTime() < deadline) {
            PepIq.publish(alice, DEVICELIST, "current", deviceList(1001, 1002), "pubsub#access_model", "presence");
            Message m = bobHeard.poll(2, TimeUnit.SECONDS);
            heard = m != null && m.toXML().toString().contains(DEVICELIST);
        }
        assertTrue(heard, "bob's client heard of alice's device list");
        bobHeard.clear();
        PepIq.publish(alice, DEVICELIST, "current", deviceList(1001, 1002, 1003), "pubsub#access_model", "presence");
        Message m = null;
        while (m == null || !m.toXML().toString().contains("1003")) {
            m = bobHeard.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "a notification with the new device");
        }
        assertEquals(aliceJid().toString(), m.getFrom().toString());
        assertEquals(Message.Type.headline, m.getType());
    }
}
