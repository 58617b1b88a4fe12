package chorus.node.it;

import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.pubsub.packet.PubSubNamespace;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0398 and XEP-0153 over real sockets on Cassandra: an old client's vCard avatar (Smack's VCardManager) is read as
 * XEP-0084 by a new client, the new client's XEP-0084 avatar is the vCard PHOTO an old client loads, and presence
 * sent without a photo hash carries the server's.
 */
class AvatarsIT {
    static final String DATA = "urn:xmpp:avatar:data";
    static final String METADATA = "urn:xmpp:avatar:metadata";
    static final String UPDATE = "vcard-temp:x:update";
    static final String HOST = "127.0.7.2";
    static TestNode node;
    static TestNode.Endpoint endpoint;
    static XMPPTCPConnection old;
    static XMPPTCPConnection modern;
    static final LinkedBlockingQueue<Presence> presences = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of("chorus.bind", HOST, "chorus.cluster.host", HOST,
            "chorus.cluster.port", TestNode.freePort()));
        endpoint = new TestNode.Endpoint(HOST, node.c2sPort(), node.endpoint().dataDir());
        node.createUser("ada", "engine");
        old = Clients.login(endpoint, "ada", "engine", "old");
        modern = new XMPPTCPConnection(Clients.config(endpoint, "ada", "engine").setResource("modern").build());
        modern.setReplyTimeout(10_000);
        modern.addAsyncStanzaListener((StanzaListener) s -> presences.add((Presence) s), StanzaTypeFilter.PRESENCE);
        modern.connect().login();
    }

    @AfterAll
    static void stop() {
        for (XMPPTCPConnection c : new XMPPTCPConnection[] {old, modern}) {
            if (c != null) {
                c.disconnect();
            }
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theAccountAnnouncesTheConversion() throws Exception {
        assertTrue(ServiceDiscoveryManager.getInstanceFor(modern)
            .discoverInfo(JidCreate.entityBareFrom("ada@" + TestNode.DOMAIN)).containsFeature("urn:xmpp:pep-vcard-conversion:0"));
    }

    @Test
    void avatarsGoFromVCardToPepAndBackAndPresenceCarriesTheHash() throws Exception {
        byte[] first = "first avatar, not really a png".getBytes();
        VCard card = new VCard();
        card.setNickName("ada");
        card.setAvatar(first, "image/png");
        VCardManager.getInstanceFor(old).saveVCard(card);

        Map<String, Element> meta = BookmarksIT.items(modern, METADATA);
        String id = sha1(first);
        assertTrue(meta.containsKey(id), "the vCard's avatar is XEP-0084 metadata: " + meta.keySet());
        Element info = (Element) meta.get(id).getElementsByTagNameNS(METADATA, "info").item(0);
        assertEquals("image/png", info.getAttribute("type"));
        assertEquals(Integer.toString(first.length), info.getAttribute("bytes"));
        Element data = BookmarksIT.items(modern, DATA).get(id);
        assertArrayEquals(first, Base64.getDecoder().decode(data.getTextContent().strip()));

        // XEP-0153: presence the old client sends without a hash reaches the other resource with the server's.
        presences.clear();
        old.sendStanza(old.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).build());
        Presence seen = null;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); seen == null && System.nanoTime() < end; ) {
            Presence p = presences.poll(1, TimeUnit.SECONDS);
            if (p != null && old.getUser().equals(p.getFrom())) {
                seen = p;
            }
        }
        assertNotNull(seen, "the old client's presence reached the other resource");
        StandardExtensionElement x = (StandardExtensionElement) seen.getExtensionElement("x", UPDATE);
        assertNotNull(x, "the server added vcard-temp:x:update");
        assertEquals(id, x.getFirstElement("photo").getText());

        // XEP-0084 §4.1: the new client publishes data, then metadata; an old client loads the PHOTO.
        byte[] second = "second avatar, still not a png".getBytes();
        String id2 = sha1(second);
        publish(modern, DATA, id2, "<data xmlns='" + DATA + "'>" + Base64.getEncoder().encodeToString(second) + "</data>");
        publish(modern, METADATA, id2, "<metadata xmlns='" + METADATA + "'><info id='" + id2 + "' bytes='"
            + second.length + "' type='image/jpeg'/></metadata>");
        XMPPTCPConnection another = Clients.login(endpoint, "ada", "engine", "another-old");
        try {
            VCard loaded = VCardManager.getInstanceFor(another).loadVCard();
            assertArrayEquals(second, loaded.getAvatar());
            assertEquals("image/jpeg", loaded.getAvatarMimeType());
            assertEquals("ada", loaded.getNickName(), "the vCard's other fields stay");
        } finally {
            another.disconnect();
        }
    }

    static String sha1(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
    }

    /** A plain XEP-0060 publish of one item to one of the account's own nodes. */
    static void publish(XMPPTCPConnection c, String nodeId, String itemId, String payloadXml) throws Exception {
        IQ publish = new IQ("pubsub", PubSubNamespace.basic.getXmlns()) {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.rightAngleBracket();
                xml.append("<publish node='" + nodeId + "'><item id='" + itemId + "'>" + payloadXml + "</item></publish>");
                return xml;
            }
        };
        publish.setType(IQ.Type.set);
        publish.setTo(c.getUser().asBareJid());
        IQ result = c.createStanzaCollectorAndSend(publish).nextResultOrThrow();
        assertEquals(IQ.Type.result, result.getType());
    }
}
