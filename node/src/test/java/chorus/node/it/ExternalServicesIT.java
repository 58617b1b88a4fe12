package chorus.node.it;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.UnparsedIQ;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XEP-0215 external services and XEP-0157 contact addresses, asked of a real node by Smack 4.4.8. Smack has no
 * XEP-0215 manager: the requests go as plain IQs and the answers are read as the XML they are.
 */
class ExternalServicesIT {
    static final String NS = "urn:xmpp:extdisco:2";
    static final String SECRET = "it-shared-secret-with-coturn";
    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final String HOST = "127.0.6.1";
    static TestNode node;
    static XMPPTCPConnection ada;
    static XMPPTCPConnection charles;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(Map.of(
            "chorus.bind", HOST,
            "chorus.contact.abuse", List.of("mailto:abuse@chorus.test", "xmpp:abuse@chorus.test"),
            "chorus.contact.security", "https://chorus.test/security",
            "chorus.extdisco.credential-lifetime", "10m",
            "chorus.extdisco.services", List.of(
                Map.of("type", "stun", "host", "stun.chorus.test"),
                Map.of("type", "turn", "host", "turn.chorus.test", "port", 3479, "secret", SECRET, "name", "Relay"))));
        node.createUser("ada", "engine");
        node.createUser("charles", "difference");
        TestNode.Endpoint at = new TestNode.Endpoint(HOST, node.c2sPort(), node.dataDir());
        ada = Clients.login(at, "ada", "engine", "desk");
        charles = Clients.login(at, "charles", "difference", "desk");
    }

    @AfterAll
    static void stop() {
        if (ada != null) {
            ada.disconnect();
        }
        if (charles != null) {
            charles.disconnect();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theServersDiscoInfoAdvertisesExtdiscoAndCarriesTheContactAddresses() throws Exception {
        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(ada).discoverInfo(JidCreate.domainBareFrom(TestNode.DOMAIN));
        assertTrue(info.containsFeature(NS));
        DataForm form = info.getExtensions(DataForm.class).stream()
            .filter(f -> "http://jabber.org/network/serverinfo".equals(f.getFormType())).findFirst().orElseThrow();
        assertEquals(List.of("mailto:abuse@chorus.test", "xmpp:abuse@chorus.test"), values(form.getField("abuse-addresses")));
        assertEquals(List.of("https://chorus.test/security"), values(form.getField("security-addresses")));
    }

    @Test
    void aSignedInUserGetsTheServicesWithTurnCredentialsValidForTheConfiguredLifetime() throws Exception {
        Instant before = Instant.now();
        List<Element> services = ask(ada, new ExtDisco("services", null, null, null));
        Instant after = Instant.now();
        assertEquals(2, services.size());
        Element stun = services.get(0);
        assertEquals(List.of("stun", "stun.chorus.test", "3478", "udp", ""), List.of(stun.getAttribute("type"),
            stun.getAttribute("host"), stun.getAttribute("port"), stun.getAttribute("transport"),
            stun.getAttribute("username")));
        Element turn = services.get(1);
        assertEquals(List.of("turn", "turn.chorus.test", "3479", "Relay"), List.of(turn.getAttribute("type"),
            turn.getAttribute("host"), turn.getAttribute("port"), turn.getAttribute("name")));
        assertTrue(List.of("1", "true").contains(turn.getAttribute("restricted")));
        assertValidFor(turn, before, after);
    }

    @Test
    void aCredentialsRequestForTheTurnServerIsAnswered() throws Exception {
        Instant before = Instant.now();
        List<Element> answer = ask(charles, new ExtDisco("credentials", null, "turn.chorus.test", "turn"));
        Instant after = Instant.now();
        assertEquals(1, answer.size());
        assertValidFor(answer.get(0), before, after);
        // Each account has its own username (a pseudonym, not its address).
        String adas = ask(ada, new ExtDisco("credentials", null, "turn.chorus.test", "turn")).get(0).getAttribute("username");
        String charless = answer.get(0).getAttribute("username");
        assertNotEquals(adas.substring(adas.indexOf(':')), charless.substring(charless.indexOf(':')));
        assertTrue(!adas.contains("ada") && !charless.contains("charles"), adas + " " + charless);
        XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
            () -> ask(ada, new ExtDisco("credentials", null, "turn.elsewhere.test", "turn")));
        assertEquals(StanzaError.Condition.item_not_found, e.getStanzaError().getCondition());
    }

    @Test
    void aTypeFilterListsOnlyThatType() throws Exception {
        List<Element> stun = ask(ada, new ExtDisco("services", "stun", null, null));
        assertEquals(List.of("stun.chorus.test"), stun.stream().map(s -> s.getAttribute("host")).toList());
    }

    @Test
    void aContactAddressThatIsNotAUriStopsTheNodeNamingTheSetting() {
        Exception e = assertThrows(Exception.class, () -> TestNode.start(Map.of("chorus.bind", HOST,
            "chorus.contact.abuse", List.of("abuse@chorus.test"))).close());
        assertTrue(String.valueOf(e.getMessage()).contains("chorus.contact.abuse"), String.valueOf(e));
        Exception secret = assertThrows(Exception.class, () -> TestNode.start(Map.of("chorus.bind", HOST,
            "chorus.extdisco.services", List.of(Map.of("type", "turn", "host", "turn.chorus.test", "secret", "short"))))
            .close());
        assertTrue(String.valueOf(secret.getMessage()).contains("chorus.extdisco.services.0.secret"), String.valueOf(secret));
        assertTrue(!String.valueOf(secret.getMessage()).contains("short"), String.valueOf(secret));
    }

    /** The username is EXPIRY:ID with EXPIRY = now + lifetime; the password is what coturn computes from it. */
    static void assertValidFor(Element service, Instant before, Instant after) throws Exception {
        String username = service.getAttribute("username");
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertTrue(expiry >= before.plus(LIFETIME).getEpochSecond() && expiry <= after.plus(LIFETIME).getEpochSecond(),
            username);
        assertEquals(Instant.ofEpochSecond(expiry), Instant.parse(service.getAttribute("expires")));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))),
            service.getAttribute("password"));
    }

    static List<String> values(FormField field) {
        return field.getValues().stream().map(CharSequence::toString).toList();
    }

    /** Sends the request and returns the {@code <service/>} elements of the answer. */
    static List<Element> ask(XMPPTCPConnection c, ExtDisco request) throws Exception {
        request.setType(IQ.Type.get);
        request.setTo(JidCreate.domainBareFrom(TestNode.DOMAIN));
        IQ answer = c.createStanzaCollectorAndSend(request).nextResultOrThrow();
        String xml = ((UnparsedIQ) answer).getContent().toString();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Element root = f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
        assertEquals(NS, root.getNamespaceURI());
        assertEquals(request.getChildElementName(), root.getLocalName());
        NodeList list = root.getElementsByTagNameNS(NS, "service");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    /** {@code <services type='…'/>} or {@code <credentials><service host='…' type='…'/></credentials>} (XEP-0215 §3). */
    static final class ExtDisco extends IQ {
        final String type;
        final String host;
        final String serviceType;

        ExtDisco(String element, String type, String host, String serviceType) {
            super(element, NS);
            this.type = type;
            this.host = host;
            this.serviceType = serviceType;
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.optAttribute("type", type);
            if (host == null) {
                xml.setEmptyElement();
                return xml;
            }
            xml.rightAngleBracket();
            xml.halfOpenElement("service").attribute("host", host).attribute("type", serviceType).closeEmptyElement();
            return xml;
        }
    }
}
