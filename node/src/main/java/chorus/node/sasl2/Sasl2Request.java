package chorus.node.sasl2;

import chorus.actors.xmpp.Element;
import chorus.node.sasl.SaslWire;

import java.util.Objects;
import java.util.Optional;

/**
 * A client's {@code <authenticate/>} (XEP-0388 §2.2): the mechanism, its initial response, who the client says it
 * is (user-agent), and what it asks for inline once authenticated: a Bind 2 binding (XEP-0386), the resumption of a
 * XEP-0198 stream, a FAST token (XEP-0484). Whatever the client names itself with is bounded
 * ({@link Sasl2Settings#maxFieldLength}); a request that breaks a rule is {@link Malformed}.
 *
 * @param initialResponse null when the client sent none (§2.2: the mechanism then starts with a challenge)
 * @param agentId         the user-agent's id (null when it sent none): what makes a Bind 2 resource stable
 * @param bind            the Bind 2 request, or null
 * @param resume          the XEP-0198 {@code <resume/>}, or null
 * @param requestToken    the mechanism of a XEP-0484 {@code <request-token/>}, or null
 * @param fast            the XEP-0484 {@code <fast/>} of a login with a token, or null
 */
public record Sasl2Request(String mechanism, byte[] initialResponse, String agentId, String software, String device,
                           Bind2Request bind, Element resume, String requestToken, Element fast) {

    /** The request breaks XEP-0388 or a limit: the answer is malformed-request with this text. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String text) {
            super(text, null, false, false);
        }
    }

    public Sasl2Request {
        Objects.requireNonNull(mechanism, "mechanism");
        initialResponse = initialResponse == null ? null : initialResponse.clone();
    }

    @Override
    public byte[] initialResponse() {
        return initialResponse == null ? null : initialResponse.clone();
    }

    /** Reads {@code <authenticate/>}. */
    public static Sasl2Request parse(Element e, Sasl2Settings limits) throws Malformed {
        String mechanism = e.attr("mechanism");
        if (mechanism == null || mechanism.isEmpty() || mechanism.length() > 20) {
            // RFC 4422 §3.1: a mechanism name is at most 20 characters.
            throw new Malformed("no mechanism");
        }
        byte[] initial = null;
        Optional<Element> ir = e.child("initial-response", Sasl2Wire.NS);
        if (ir.isPresent()) {
            try {
                // §2.2: an empty initial response is "=", as in RFC 6120 §6.4.2.
                String t = ir.get().text().strip();
                initial = t.isEmpty() || t.equals("=") ? new byte[0] : SaslWire.decodeResponse(t);
            } catch (SaslWire.IncorrectEncodingException x) {
                throw new Malformed("the initial response is not base64");
            }
        }
        String agentId = null;
        String software = null;
        String device = null;
        Optional<Element> ua = e.child("user-agent", Sasl2Wire.NS);
        if (ua.isPresent()) {
            agentId = bounded(ua.get().attr("id"), limits, "user-agent id");
            software = bounded(ua.get().childText("software", Sasl2Wire.NS).orElse(null), limits, "software");
            device = bounded(ua.get().childText("device", Sasl2Wire.NS).orElse(null), limits, "device");
        }
        Bind2Request bind = null;
        Optional<Element> b = e.child("bind", Sasl2Wire.BIND2);
        if (b.isPresent()) {
            bind = Bind2Request.parse(b.get(), limits);
        }
        Element resume = e.child("resume", Sasl2Wire.SM).orElse(null);
        String requestToken = e.child("request-token", Sasl2Wire.FAST).map(t -> t.attr("mechanism")).orElse(null);
        if (requestToken != null && requestToken.length() > 20) {
            throw new Malformed("no such token mechanism");
        }
        Element fast = e.child("fast", Sasl2Wire.FAST).orElse(null);
        return new Sasl2Request(mechanism, initial, agentId, software, device, bind, resume, requestToken, fast);
    }

    static String bounded(String value, Sasl2Settings limits, String what) throws Malformed {
        if (value != null && value.length() > limits.maxFieldLength()) {
            throw new Malformed(what + " longer than " + limits.maxFieldLength() + " characters");
        }
        return value;
    }

    /** Never prints the initial response (it may hold a password), nor what could identify the device. */
    @Override
    public String toString() {
        return "Sasl2Request[" + mechanism + (bind != null ? " +bind" : "") + (resume != null ? " +resume" : "")
            + (requestToken != null ? " +token" : "") + (fast != null ? " fast" : "") + "]";
    }
}
