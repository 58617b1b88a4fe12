package chorus.node.sasl;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The XMPP form of SASL data (RFC 6120 §6.4): base64 character data inside {@code <auth/>}, {@code <challenge/>},
 * {@code <response/>} and {@code <success/>}, conditions inside {@code <failure/>}.
 */
public final class SaslWire {

    /** Character data that is not base64 (RFC 4648 §4): the answer is incorrect-encoding (RFC 6120 §6.5.2). */
    public static final class IncorrectEncodingException extends Exception {
        private static final long serialVersionUID = 1L;

        IncorrectEncodingException() {
            super("incorrect base64", null, false, false);
        }
    }

    private SaslWire() {
    }

    /**
     * The initial response in the text of {@code <auth/>}: null when there is none (empty element), an empty array
     * for "=", the zero-length response (RFC 6120 §6.4.2).
     */
    public static byte[] decodeInitialResponse(String text) throws IncorrectEncodingException {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() ? null : decodeResponse(t);
    }

    /** The data in the text of {@code <response/>}; empty for an empty element or "=". */
    public static byte[] decodeResponse(String text) throws IncorrectEncodingException {
        String t = text == null ? "" : text.strip();
        return t.equals("=") ? new byte[0] : decodeBase64(t);
    }

    /**
     * Strict base64 of RFC 4648 §4: the standard alphabet, padded, no whitespace inside (whitespace around the
     * whole text is stripped by the callers: it is XML formatting, not data).
     */
    static byte[] decodeBase64(String text) throws IncorrectEncodingException {
        if (text.length() % 4 != 0) {
            throw new IncorrectEncodingException();
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IncorrectEncodingException();
        }
    }

    /** The text for {@code <challenge/>} or {@code <success/>}: empty (no character data) for null or no bytes. */
    public static String encode(byte[] data) {
        return data == null || data.length == 0 ? "" : Base64.getEncoder().encodeToString(data);
    }

    /** Starts the mechanism with the initial response of {@code <auth/>}; incorrect-encoding if it is not base64. */
    public static SaslStep start(SaslMechanism mechanism, Element auth) {
        try {
            return mechanism.start(decodeInitialResponse(auth.text()));
        } catch (IncorrectEncodingException e) {
            return incorrectEncoding();
        }
    }

    /** Feeds the mechanism the data of {@code <response/>}; incorrect-encoding if it is not base64. */
    public static SaslStep respond(SaslMechanism mechanism, Element response) {
        try {
            return mechanism.respond(decodeResponse(response.text()));
        } catch (IncorrectEncodingException e) {
            return incorrectEncoding();
        }
    }

    private static SaslStep incorrectEncoding() {
        return new SaslStep.Failure(SaslFailure.INCORRECT_ENCODING, null);
    }

    /**
     * The element to send for a step: {@code <challenge/>}, {@code <success/>} or {@code <failure/>} in the SASL
     * namespace.
     *
     * @throws IllegalArgumentException for {@link SaslStep.NeedCredentials}, which is not sent
     */
    public static Element element(SaslStep step) {
        if (step instanceof SaslStep.Challenge c) {
            return dataElement("challenge", c.data());
        }
        if (step instanceof SaslStep.Success s) {
            // RFC 6120 §6.3.10: additional data of zero length is sent as "=", no additional data as nothing.
            byte[] data = s.additionalData();
            return data != null && data.length == 0
                    ? Element.build("success", Ns.SASL).text("=").get()
                    : dataElement("success", data);
        }
        if (step instanceof SaslStep.Failure f) {
            // RFC 6120 §6.4.5: the condition, then an optional <text/>.
            return Element.build("failure", Ns.SASL)
                    .child(Element.of(f.condition().xmlName(), Ns.SASL))
                    .child(f.text() == null ? null
                            : Element.build("text", Ns.SASL).attr("xml:lang", "en").text(f.text()).get())
                    .get();
        }
        throw new IllegalArgumentException("nothing to send for " + step);
    }

    private static Element dataElement(String name, byte[] data) {
        String text = encode(data);
        return Element.build(name, Ns.SASL).text(text.isEmpty() ? null : text).get();
    }

    /** The {@code <mechanisms/>} stream feature (RFC 6120 §6.4.1) listing these mechanism names in order. */
    public static Element mechanismsFeature(List<String> names) {
        Element.Builder b = Element.build("mechanisms", Ns.SASL);
        for (String name : names) {
            b.textChild("mechanism", Ns.SASL, name);
        }
        return b.get();
    }

    /** XEP-0440 §2: the channel-binding types the server supports, for the client to pick one it supports too. */
    public static Element channelBindingFeature(java.util.Collection<String> types) {
        Element.Builder b = Element.build("sasl-channel-binding", CHANNEL_BINDING_NS);
        for (String type : types) {
            b.child(Element.build("channel-binding", CHANNEL_BINDING_NS).attr("type", type).get());
        }
        return b.get();
    }

    /** XEP-0440's namespace. */
    public static final String CHANNEL_BINDING_NS = "urn:xmpp:sasl-cb:0";

    /** Strict UTF-8 (RFC 3629): null for byte sequences that are not UTF-8. */
    static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
