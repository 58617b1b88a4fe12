package chorus.node.sasl;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static chorus.node.sasl.Steps.DOMAIN;
import static chorus.node.sasl.Steps.assertFailure;
import static chorus.node.sasl.Steps.assertNeedCredentials;
import static chorus.node.sasl.Steps.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SaslWireTest {

    @Test
    void anEmptyAuthElementHasNoInitialResponseAndAnEqualsSignIsAnEmptyOne() throws Exception {
        assertNull(SaslWire.decodeInitialResponse(""));
        assertNull(SaslWire.decodeInitialResponse(null));
        assertArrayEquals(new byte[0], SaslWire.decodeInitialResponse("="));
        assertArrayEquals(bytes("user"), SaslWire.decodeInitialResponse("dXNlcg=="));
    }

    @Test
    void anEmptyResponseElementIsAnEmptyResponse() throws Exception {
        assertArrayEquals(new byte[0], SaslWire.decodeResponse(""));
        assertArrayEquals(new byte[0], SaslWire.decodeResponse("="));
        assertArrayEquals(bytes("user"), SaslWire.decodeResponse("\n  dXNlcg==\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dXNlcg", "dXN lcg==", "dXNl*g==", "dXNlcg=", "==", "dXNlcg==dXNlcg==", "ZGF0YQ-_"})
    void anythingButPaddedStandardBase64IsAnIncorrectEncoding(String text) {
        assertThrows(SaslWire.IncorrectEncodingException.class, () -> SaslWire.decodeResponse(text));
        assertThrows(SaslWire.IncorrectEncodingException.class, () -> SaslWire.decodeInitialResponse(text));
    }

    @Test
    void startAndRespondAnswerBadBase64WithIncorrectEncoding() {
        SaslMechanisms mechanisms = Steps.random();
        Element auth = Element.build("auth", Ns.SASL).attr("mechanism", "PLAIN").text("AGp1bGlldABwZW5jaWw").get();
        assertFailure(SaslFailure.INCORRECT_ENCODING, SaslWire.start(mechanisms.create("PLAIN", DOMAIN, true), auth));
        SaslMechanism plain = mechanisms.create("PLAIN", DOMAIN, true);
        SaslWire.start(plain, Element.of("auth", Ns.SASL));
        Element response = Element.build("response", Ns.SASL).text("!!!!").get();
        assertFailure(SaslFailure.INCORRECT_ENCODING, SaslWire.respond(plain, response));
    }

    @Test
    void startDecodesTheInitialResponse() {
        Element auth = Element.build("auth", Ns.SASL).attr("mechanism", "PLAIN").text("AGp1bGlldABwZW5jaWw=").get();
        assertNeedCredentials("juliet@example.org",
                SaslWire.start(Steps.random().create("PLAIN", DOMAIN, true), auth));
    }

    @Test
    void aChallengeIsSentAsBase64AndAnEmptyOneAsAnEmptyElement() {
        assertEquals(Element.build("challenge", Ns.SASL).text("cj1hYmM=").get(),
                SaslWire.element(new SaslStep.Challenge(bytes("r=abc"))));
        assertEquals(Element.of("challenge", Ns.SASL), SaslWire.element(new SaslStep.Challenge(new byte[0])));
    }

    @Test
    void successCarriesItsAdditionalDataIfAny() {
        BareJid juliet = new BareJid("juliet", "example.org");
        assertEquals(Element.build("success", Ns.SASL).text("dj14eXo=").get(),
                SaslWire.element(new SaslStep.Success(bytes("v=xyz"), juliet)));
        assertEquals(Element.of("success", Ns.SASL), SaslWire.element(new SaslStep.Success(null, juliet)));
        assertEquals(Element.build("success", Ns.SASL).text("=").get(),
                SaslWire.element(new SaslStep.Success(new byte[0], juliet)));
    }

    @Test
    void aFailureNamesItsConditionAndItsTextIfAny() {
        assertEquals(Element.build("failure", Ns.SASL).child(Element.of("not-authorized", Ns.SASL)).get(),
                SaslWire.element(new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null)));
        Element withText = SaslWire.element(new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "other-error"));
        assertTrue(withText.child("malformed-request", Ns.SASL).isPresent());
        assertEquals("other-error", withText.childText("text", Ns.SASL).orElseThrow());
        assertEquals("en", withText.child("text", Ns.SASL).orElseThrow().attr("xml:lang"));
    }

    @Test
    void needCredentialsIsNeverSent() {
        assertThrows(IllegalArgumentException.class,
                () -> SaslWire.element(new SaslStep.NeedCredentials(new BareJid("juliet", "example.org"))));
    }

    @Test
    void theMechanismsFeatureListsTheNamesInOrder() {
        Element feature = SaslWire.mechanismsFeature(List.of("SCRAM-SHA-256", "PLAIN"));
        assertTrue(feature.is("mechanisms", Ns.SASL));
        assertEquals(List.of("SCRAM-SHA-256", "PLAIN"),
                feature.elements("mechanism", Ns.SASL).stream().map(Element::text).toList());
    }
}
