package chorus.node.it;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.bookmarks.BookmarkManager;
import org.jivesoftware.smackx.bookmarks.BookmarkedConference;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.ItemsExtension;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubElementType;
import org.jivesoftware.smackx.pubsub.packet.PubSub;
import org.jivesoftware.smackx.pubsub.packet.PubSubNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0402 §5.3 over real sockets on Cassandra: an old client's XEP-0048 bookmarks (Smack's BookmarkManager, private
 * storage) are read as XEP-0402 items by a new client, and the new client's items are read by an old one.
 */
class BookmarksIT {
    static final String NATIVE = "urn:xmpp:bookmarks:1";
    static final String PROBE = "urn:chorus:test:probe";
    static final String HOST = "127.0.7.1";
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static XMPPTCPConnection old;
    static XMPPTCPConnection modern;
    static final LinkedBlockingQueue<Message> events = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        int cluster = TestNode.freePort();
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST, "chorus.cluster.port", cluster));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.endpoint().dataDir());
        node.createUser("ada", "engine");
        old = Clients.login(endpoint, "ada", "engine", "old");
        // A XEP-0402 client wants the node's notifications (XEP-0163 §4.3 via its caps).
        modern = new XMPPTCPConnection(Clients.config(endpoint, "ada", "engine").setResource("modern").build());
        modern.setReplyTimeout(10_000);
        ServiceDiscoveryManager.getInstanceFor(modern).addFeature(NATIVE + "+notify");
        ServiceDiscoveryManager.getInstanceFor(modern).addFeature(PROBE + "+notify");
        modern.addAsyncStanzaListener((StanzaListener) s -> {
            Message m = (Message) s;
            if (m.getExtensionElement("event", PubSubNamespace.event.getXmlns()) != null) {
                events.add(m);
            }
        }, StanzaTypeFilter.MESSAGE);
        modern.connect().login();
        // The server learns the +notify from the client's caps by asking its disco#info (XEP-0115 §6.2), after the
        // login: the tests publish only once it knows, proven by a probe node the client also wants.
        org.jivesoftware.smackx.pep.PepManager pep = org.jivesoftware.smackx.pep.PepManager.getInstanceFor(old);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean heard = false;
        while (!heard && System.nanoTime() < deadline) {
            pep.publish(PROBE, new org.jivesoftware.smackx.pubsub.PayloadItem<>(
                new org.jivesoftware.smackx.pubsub.SimplePayload("<probe xmlns='" + PROBE + "'/>")));
            Message m = events.poll(2, TimeUnit.SECONDS);
            heard = m != null && m.toXML().toString().contains(PROBE);
        }
        assertTrue(heard, "the server learnt the client's +notify");
        events.clear();
    }

    @AfterAll
    static void stop() {
        if (old != null) {
            old.disconnect();
        }
        if (modern != null) {
            modern.disconnect();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theAccountAnnouncesBookmarksCompat() throws Exception {
        assertTrue(ServiceDiscoveryManager.getInstanceFor(modern).discoverInfo(JidCreate.entityBareFrom("ada@" + TestNode.DOMAIN))
            .containsFeature(NATIVE + "#compat"));
    }

    @Test
    void bookmarksStoredByAnOldClientAreNativeItemsAndNativeItemsReachOldClients() throws Exception {
        EntityBareJid coven = JidCreate.entityBareFrom("coven@conference." + TestNode.DOMAIN);
        EntityBareJid orchard = JidCreate.entityBareFrom("orchard@conference." + TestNode.DOMAIN);
        // XEP-0048 via XEP-0049, as Smack 4.4.8 stores it.
        BookmarkManager.getBookmarkManager(old).addBookmarkedConference("The Coven", coven, true,
            Resourcepart.from("ada"), null);

        Map<String, Element> items = nativeItems(modern);
        Element c = items.get(coven.toString());
        assertNotNull(c, "the old client's bookmark is an item of " + NATIVE + ": " + items.keySet());
        assertEquals("The Coven", c.getAttribute("name"));
        assertEquals("true", c.getAttribute("autojoin"));
        assertEquals("ada", c.getElementsByTagNameNS(NATIVE, "nick").item(0).getTextContent());

        // The client that wants the node heard of it (a notification of the derived item).
        Message notified = events.poll(20, TimeUnit.SECONDS);
        assertNotNull(notified, "a PEP notification of the bookmark");
        assertTrue(notified.toXML().toString().contains(coven.toString()));

        // XEP-0402 §3.2: the new client publishes a room with the node's publish-options.
        publish(modern, orchard.toString(), "Orchard", "viola");

        XMPPTCPConnection another = Clients.login(endpoint, "ada", "engine", "another-old");
        try {
            Map<String, BookmarkedConference> seen = new LinkedHashMap<>();
            BookmarkManager.getBookmarkManager(another).getBookmarkedConferences()
                .forEach(b -> seen.put(b.getJid().toString(), b));
            assertEquals(java.util.Set.of(coven.toString(), orchard.toString()), seen.keySet());
            BookmarkedConference o = seen.get(orchard.toString());
            assertEquals("Orchard", o.getName());
            assertTrue(o.isAutoJoin());
            assertEquals("viola", o.getNickname().toString());

            // An old client removes a room: the item goes.
            BookmarkManager.getBookmarkManager(another).removeBookmarkedConference(coven);
            Map<String, Element> after = nativeItems(modern);
            assertFalse(after.containsKey(coven.toString()), "the removed room's item was retracted");
            assertTrue(after.containsKey(orchard.toString()));
        } finally {
            another.disconnect();
        }
    }

    /** The items of the account's bookmarks node (XEP-0060 §6.5), payloads by item id. */
    static Map<String, Element> nativeItems(XMPPTCPConnection c) throws Exception {
        return items(c, NATIVE);
    }

    /** The items of one of the account's own PEP nodes (XEP-0060 §6.5), payloads by item id, oldest first. */
    static Map<String, Element> items(XMPPTCPConnection c, String node) throws Exception {
        PubSub get = PubSub.createPubsubPacket(c.getUser().asBareJid(), IQ.Type.get,
            new ItemsExtension(ItemsExtension.ItemsElementType.items, node, null));
        PubSub result = c.createStanzaCollectorAndSend(get).nextResultOrThrow();
        ItemsExtension items = result.getExtension(PubSubElementType.ITEMS);
        Map<String, Element> out = new LinkedHashMap<>();
        for (var ne : items.getItems()) {
            Item item = (Item) ne;
            String xml = ((PayloadItem<?>) item).getPayload().toXML().toString();
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            out.put(item.getId(), d.getDocumentElement());
        }
        return out;
    }

    /** XEP-0402 §3.2: one room, autojoin, with the publish-options the XEP asks for. */
    static void publish(XMPPTCPConnection c, String room, String name, String nick) throws Exception {
        StandardExtensionElement conference = StandardExtensionElement.builder("conference", NATIVE)
            .addAttribute("name", name).addAttribute("autojoin", "true").addElement("nick", nick).build();
        String form = "<x xmlns='jabber:x:data' type='submit'>"
            + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
            + "<field var='pubsub#persist_items'><value>true</value></field>"
            + "<field var='pubsub#max_items'><value>max</value></field>"
            + "<field var='pubsub#send_last_published_item'><value>never</value></field>"
            + "<field var='pubsub#access_model'><value>whitelist</value></field></x>";
        IQ publish = new IQ("pubsub", PubSubNamespace.basic.getXmlns()) {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.rightAngleBracket();
                xml.append("<publish node='" + NATIVE + "'><item id='" + room + "'>");
                xml.append(conference.toXML());
                xml.append("</item></publish><publish-options>" + form + "</publish-options>");
                return xml;
            }
        };
        publish.setType(IQ.Type.set);
        publish.setTo(c.getUser().asBareJid());
        IQ result = c.createStanzaCollectorAndSend(publish).nextResultOrThrow();
        assertEquals(IQ.Type.result, result.getType());
    }
}
