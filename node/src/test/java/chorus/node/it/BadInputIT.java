package chorus.node.it;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets the RFC 6120 stream or stanza error, the connection closes, and nobody else notices:
 * a bystander's session keeps working after every case.
 */
class BadInputIT {
    static final Duration WAIT = Duration.ofSeconds(5);
    static TestNode node;
    static XMPPTCPConnection bystander;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        node.createUser("mallory", "evil");
        node.createUser("bob", "builder");
        bystander = Clients.login(node, "bob", "builder", "watching");
        tls = Clients.trusting(node);
    }

    @AfterAll
    static void stop() {
        bystander.disconnect();
        node.close();
    }

    @AfterEach
    void theBystanderIsUntouched() throws Exception {
        assertTrue(bystander.isAuthenticated());
        assertTrue(PingManager.getInstanceFor(bystander).pingMyServer(true, 10_000));
    }

    /** An authenticated, bound stream of mallory's. */
    static RawClient session() throws Exception {
        return RawClient.connect(node.c2sPort()).bind(TestNode.DOMAIN, tls, "mallory", "evil", "r" + System.nanoTime());
    }

    static void expectStreamError(RawClient raw, String condition) throws Exception {
        String got = raw.await("</stream:error>", WAIT);
        assertTrue(got.contains("<" + condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
            || got.contains("<" + condition + " xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>"), got);
        assertTrue(raw.closedWithin(WAIT), "the server did not close the connection");
    }

    @Test
    void malformedXmlIsNotWellFormed() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message to='bob@chorus.test'><body>hi</message>");
            expectStreamError(raw, "not-well-formed");
        }
    }

    @Test
    void aDoctypeIsRestrictedXml() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send("<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY lol 'lol'>]>" + RawClient.header(TestNode.DOMAIN).substring(21));
            expectStreamError(raw, "restricted-xml");
        }
    }

    @Test
    void aProcessingInstructionIsRestrictedXml() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<?evil instruction?>");
            expectStreamError(raw, "restricted-xml");
        }
    }

    @Test
    void anUndeclaredEntityIsRefused() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message to='bob@chorus.test'><body>&lol;</body></message>");
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("restricted-xml") || got.contains("not-well-formed"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void aStanzaOverTheSizeLimitIsAPolicyViolation() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message to='bob@chorus.test'><body>");
            byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 6; i++) {
                    raw.send(chunk);
                }
            } catch (java.io.IOException closedEarly) {
                // the server may close before the whole stanza is written
            }
            expectStreamError(raw, "policy-violation");
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsAPolicyViolation() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message to='bob@chorus.test'>" + "<x xmlns='urn:example'>".repeat(200));
            expectStreamError(raw, "policy-violation");
        }
    }

    @Test
    void invalidUtf8IsRefused() throws Exception {
        try (RawClient raw = session()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes("<message to='bob@chorus.test'><body>".getBytes(StandardCharsets.UTF_8));
            b.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
            b.writeBytes("</body></message>".getBytes(StandardCharsets.UTF_8));
            raw.send(b.toByteArray());
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("not-well-formed") || got.contains("unsupported-encoding"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void aSecondStreamHeaderInsideTheStreamIsRefused() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<stream:stream to='chorus.test' version='1.0' xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams'>");
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("xmpp-streams"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void plaintextAfterProceedIsRefusedInTheClear() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.await("</stream:features>", WAIT);
            raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            raw.await("<proceed", WAIT);
            // the client does not start TLS but goes on in the clear
            raw.send("<message to='bob@chorus.test'><body>in the clear</body></message>");
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("policy-violation"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void dataSentBeforeTheTlsHandshakeIsRefused() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.await("</stream:features>", WAIT);
            raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message to='bob@chorus.test'/>");
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("xmpp-streams"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void aStanzaBeforeTlsIsAPolicyViolation() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send(RawClient.header(TestNode.DOMAIN));
            raw.await("</stream:features>", WAIT);
            raw.send("<message to='bob@chorus.test'><body>in the clear</body></message>");
            expectStreamError(raw, "policy-violation");
        }
    }

    @Test
    void aStreamToAnotherDomainIsHostUnknown() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send(RawClient.header("elsewhere.example"));
            expectStreamError(raw, "host-unknown");
        }
    }

    @Test
    void garbageBeforeAnyStreamGetsAStreamHeaderAndAnError() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.send("GET / HTTP/1.1\r\nHost: chorus.test\r\n\r\n");
            String got = raw.await("</stream:error>", WAIT);
            assertTrue(got.contains("<stream:stream"), got);
            assertTrue(raw.closedWithin(WAIT));
        }
    }

    @Test
    void aSpoofedFromIsInvalidFrom() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message from='bob@chorus.test/watching' to='bob@chorus.test'><body>it is me</body></message>");
            expectStreamError(raw, "invalid-from");
        }
    }

    @Test
    void aMalformedAddressIsAnsweredWithJidMalformedAndTheStreamGoesOn() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<message id='j1' to='bad@@chorus.test'><body>x</body></message>");
            String got = raw.await("</message>", WAIT);
            assertTrue(got.contains("<jid-malformed"), got);
            String tooLong = "a".repeat(1100) + "@chorus.test";
            raw.send("<iq id='j2' type='get' to='" + tooLong + "'><ping xmlns='urn:xmpp:ping'/></iq>");
            got = raw.await("</iq>", WAIT);
            assertTrue(got.contains("<jid-malformed"), got);
            raw.send("<iq id='j3' type='get' to='chorus.test'><ping xmlns='urn:xmpp:ping'/></iq>");
            got = raw.await("/>", WAIT);
            assertTrue(got.contains("id=\"j3\"") && got.contains("type=\"result\""), got);
        }
    }

    @Test
    void aResourceThatCannotBePreparedIsABadRequest() throws Exception {
        try (RawClient raw = RawClient.connect(node.c2sPort())) {
            raw.login(TestNode.DOMAIN, tls, "mallory", "evil");
            raw.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                + "x".repeat(1100) + "</resource></bind></iq>");
            String got = raw.await("</iq>", WAIT);
            assertTrue(got.contains("<bad-request"), got);
        }
    }

    @Test
    void anUnknownTopLevelElementIsAnUnsupportedStanzaType() throws Exception {
        try (RawClient raw = session()) {
            raw.send("<foo xmlns='jabber:client'/>");
            expectStreamError(raw, "unsupported-stanza-type");
        }
    }
}
