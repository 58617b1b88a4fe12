package chorus.node.it;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.time.EntityTimeManager;
import org.jivesoftware.smackx.time.packet.Time;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the server itself answers: disco, ping, version and time (XEP-0030, 0199, 0092, 0202). */
class ServerFeaturesIT {
    static TestNode node;
    static XMPPTCPConnection c;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("ada", "engine");
        node.createUser("charles", "difference");
        c = Clients.login(node, "ada", "engine", "desk");
    }

    @AfterAll
    static void stop() {
        c.disconnect();
        node.close();
    }

    @Test
    void theServerIsAnImServerWithTheFeaturesItImplements() throws Exception {
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.domainBareFrom(TestNode.DOMAIN));
        assertTrue(info.hasIdentity("server", "im"));
        for (String f : new String[] {"http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/disco#items",
            "urn:xmpp:ping", "jabber:iq:version", "urn:xmpp:time"}) {
            assertTrue(info.containsFeature(f), f);
        }
    }

    @Test
    void theServerListsItsServicesAndNoUsers() throws Exception {
        java.util.Set<String> items = new java.util.TreeSet<>();
        ServiceDiscoveryManager.getInstanceFor(c).discoverItems(JidCreate.domainBareFrom(TestNode.DOMAIN)).getItems()
            .forEach(i -> items.add(i.getEntityID().toString()));
        assertEquals(java.util.Set.of("conference." + TestNode.DOMAIN, "pubsub." + TestNode.DOMAIN,
            "upload." + TestNode.DOMAIN), items);
    }

    @Test
    void anotherUsersAccountIsNotDisclosedToAStranger() throws Exception {
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
            () -> ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.entityBareFrom("charles@chorus.test")));
        assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
        XMPPException.XMPPErrorException missing = assertThrows(XMPPException.XMPPErrorException.class,
            () -> ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.entityBareFrom("nobody@chorus.test")));
        assertEquals(StanzaError.Condition.service_unavailable, missing.getStanzaError().getCondition());
    }

    @Test
    void theOwnAccountIdentifiesAsARegisteredAccount() throws Exception {
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.entityBareFrom("ada@chorus.test"));
        assertTrue(info.hasIdentity("account", "registered"));
    }

    @Test
    void theServerAnswersPings() throws Exception {
        assertTrue(PingManager.getInstanceFor(c).pingMyServer(true, 10_000));
    }

    @Test
    void theVersionNamesChorusAndHidesTheOperatingSystem() throws Exception {
        Version v = VersionManager.getInstanceFor(c).getVersion(JidCreate.domainBareFrom(TestNode.DOMAIN));
        assertEquals("Chorus", v.getName());
        assertNull(v.getOs());
    }

    @Test
    void theServerTellsItsTimeInUtc() throws Exception {
        Time t = EntityTimeManager.getInstanceFor(c).getTime(JidCreate.domainBareFrom(TestNode.DOMAIN));
        assertEquals("+00:00", t.getTzo());
        Instant server = t.getTime().toInstant();
        assertTrue(Duration.between(server, Instant.now()).abs().getSeconds() < 60, server.toString());
    }

    @Test
    void anUnknownIqToTheServerGetsServiceUnavailable() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.bind(TestNode.DOMAIN, Clients.trusting(node), "ada", "engine", "raw");
            raw.send("<iq type='get' id='u1' to='chorus.test'><query xmlns='urn:example:nothing'/></iq>");
            String reply = raw.await("</iq>", Duration.ofSeconds(5));
            assertTrue(reply.contains("type=\"error\"") && reply.contains("<service-unavailable"), reply);
        }
    }
}
