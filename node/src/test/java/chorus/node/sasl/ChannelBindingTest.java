package chorus.node.sasl;

import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.Element;
import chorus.node.tls.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.bytes;
import static chorus.node.sasl.Steps.challenge;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SCRAM -PLUS with tls-server-end-point (RFC 5802 §6, RFC 5929 §4), its downgrade check, and XEP-0440. */
class ChannelBindingTest {
    static final byte[] OURS = bytes("hash of the certificate the server presented");
    static final byte[] MITM = bytes("hash of the certificate a man in the middle presented");
    static final ChannelBindings BINDINGS = ChannelBindings.of(Map.of(ChannelBindings.TLS_SERVER_END_POINT, OURS));

    @Test
    void withAChannelBindingThePlusVariantsComeFirst() {
        assertEquals(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"),
            Steps.random().advertised(true, BINDINGS));
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), Steps.random().advertised(true, ChannelBindings.NONE));
    }

    @Test
    void theSettingTurnsThePlusVariantsOff() {
        SaslMechanisms off = new SaslMechanisms(SaslSettings.allMechanisms(4096, Steps.SECRET).withChannelBinding(false),
            Steps.RANDOM);
        assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"), off.advertised(true, BINDINGS));
        assertFailure(SaslFailure.INVALID_MECHANISM, off.create("SCRAM-SHA-1-PLUS", DOMAIN, true, BINDINGS).start(null));
    }

    @Test
    void aPlusMechanismNotOfferedOnThisConnectionIsAnInvalidMechanism() {
        assertFailure(SaslFailure.INVALID_MECHANISM,
            Steps.random().create("SCRAM-SHA-256-PLUS", DOMAIN, true, ChannelBindings.NONE).start(null));
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void aClientBoundToTheServersCertificateLogsIn(ScramHash hash) {
        ScramTestClient client = new ScramTestClient(hash, "p=tls-server-end-point,,", "juliet", "client", "pencil");
        SaslStep step = exchange(hash, client, OURS);
        SaslStep.Success success = assertInstanceOf(SaslStep.Success.class, step);
        assertTrue(client.verifiesServerFinal(success.additionalData()));
    }

    @ParameterizedTest
    @EnumSource(ScramHash.class)
    void aClientBehindAManInTheMiddleWithAnotherCertificateIsNotAuthorized(ScramHash hash) {
        ScramTestClient client = new ScramTestClient(hash, "p=tls-server-end-point,,", "juliet", "client", "pencil");
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED, exchange(hash, client, MITM));
        assertEquals("channel-bindings-dont-match", f.text());
    }

    @Test
    void aClientThatCouldBindButSawNoPlusIsRefusedWhenPlusWasOffered() {
        // "y": the client supports channel binding and believes the server does not; but -PLUS was offered here,
        // so someone removed it from the list on the way (RFC 5802 §6).
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED, Steps.random()
            .create("SCRAM-SHA-256", DOMAIN, true, BINDINGS).start(bytes("y,,n=juliet,r=client")));
        assertEquals("server-does-support-channel-binding", f.text());
        assertInstanceOf(SaslStep.NeedCredentials.class, Steps.random()
            .create("SCRAM-SHA-256", DOMAIN, true, ChannelBindings.NONE).start(bytes("y,,n=juliet,r=client")));
        assertInstanceOf(SaslStep.NeedCredentials.class, Steps.random()
            .create("SCRAM-SHA-256", DOMAIN, true, BINDINGS).start(bytes("n,,n=juliet,r=client")));
    }

    @Test
    void aPlusMechanismNeedsABindingTheConnectionHas() {
        assertFailure(SaslFailure.MALFORMED_REQUEST, Steps.random()
            .create("SCRAM-SHA-1-PLUS", DOMAIN, true, BINDINGS).start(bytes("n,,n=juliet,r=client")));
        SaslStep.Failure f = assertFailure(SaslFailure.NOT_AUTHORIZED, Steps.random()
            .create("SCRAM-SHA-1-PLUS", DOMAIN, true, BINDINGS).start(bytes("p=tls-unique,,n=juliet,r=client")));
        assertEquals("unsupported-channel-binding-type", f.text());
    }

    @Test
    void tlsServerEndPointIsTheSha256OfASha256SignedCertificate() throws Exception {
        X509Certificate cert = TestCa.create("Test CA").certificate();
        assertEquals("SHA256WITHECDSA", cert.getSigAlgName().toUpperCase(java.util.Locale.ROOT));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()),
            ChannelBindings.serverEndPoint(cert).orElseThrow());
    }

    @Test
    void xep0440ListsTheTypes() {
        Element e = SaslWire.channelBindingFeature(BINDINGS.types());
        assertTrue(e.is("sasl-channel-binding", "urn:xmpp:sasl-cb:0"));
        assertEquals(List.of("tls-server-end-point"),
            e.elements("channel-binding", "urn:xmpp:sasl-cb:0").stream().map(c -> c.attr("type")).toList());
    }

    @Test
    void theDataIsNeverPrinted() {
        assertEquals("ChannelBindings[tls-server-end-point]", BINDINGS.toString());
    }

    private static SaslStep exchange(ScramHash hash, ScramTestClient client, byte[] boundTo) {
        SaslMechanism scram = Steps.random().create(hash.mechanism() + "-PLUS", DOMAIN, true, BINDINGS);
        assertInstanceOf(SaslStep.NeedCredentials.class, scram.start(client.clientFirst()));
        byte[] serverFirst = bytes(challenge(scram.credentials(Steps.credentials("pencil"))));
        return scram.respond(client.clientFinalBound(serverFirst, boundTo));
    }
}
