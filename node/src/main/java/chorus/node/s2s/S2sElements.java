package chorus.node.s2s;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.stream.StreamHeader;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The elements of server-to-server negotiation: Server Dialback (XEP-0220), SASL EXTERNAL (XEP-0178, RFC 6120 §6)
 * and XEP-0198 acknowledgements on s2s streams.
 */
final class S2sElements {
    static final String DIALBACK = StreamHeader.DIALBACK;
    /** XEP-0220 §2.1: the stream feature that says dialback is offered, with {@code <errors/>} (§2.3 errors). */
    static final String DIALBACK_FEATURE = "urn:xmpp:features:dialback";
    static final String SM = "urn:xmpp:sm:3";
    static final String EXTERNAL = "EXTERNAL";

    private S2sElements() {
    }

    static Element dialbackFeature() {
        return Element.build("dialback", DIALBACK_FEATURE).child(Element.of("errors", DIALBACK_FEATURE)).get();
    }

    /** XEP-0220 §2.1.1: the originating server's key. */
    static Element result(String from, String to, String key) {
        return Element.build("result", DIALBACK).attr("from", from).attr("to", to).text(key).get();
    }

    /** XEP-0220 §2.3: the receiving server's verdict on {@link #result}. */
    static Element resultAnswer(String from, String to, boolean valid) {
        return Element.build("result", DIALBACK).attr("from", from).attr("to", to)
            .attr("type", valid ? "valid" : "invalid").get();
    }

    /** XEP-0220 §2.3 (errors): the receiving server could not decide, or does not accept dialback for the domain. */
    static Element resultError(String from, String to, String condition, String text) {
        Element.Builder error = Element.build("error", DIALBACK).attr("type", "cancel")
            .child(Element.of(condition, Ns.STANZAS));
        if (text != null) {
            error.child(Element.build("text", Ns.STANZAS).text(text).get());
        }
        return Element.build("result", DIALBACK).attr("from", from).attr("to", to).attr("type", "error")
            .child(error.get()).get();
    }

    /** XEP-0220 §2.4: the receiving server asks the authoritative server about a key. */
    static Element verify(String from, String to, String id, String key) {
        return Element.build("verify", DIALBACK).attr("from", from).attr("to", to).attr("id", id).text(key).get();
    }

    /** XEP-0220 §2.4.2: the authoritative server's answer. */
    static Element verifyAnswer(String from, String to, String id, boolean valid) {
        return Element.build("verify", DIALBACK).attr("from", from).attr("to", to).attr("id", id)
            .attr("type", valid ? "valid" : "invalid").get();
    }

    static Element mechanisms() {
        return Element.build("mechanisms", Ns.SASL).child(Element.build("mechanism", Ns.SASL).text(EXTERNAL).get()).get();
    }

    /** XEP-0178 §3: EXTERNAL with our domain as the authorization identity. */
    static Element externalAuth(String domain) {
        return Element.build("auth", Ns.SASL).attr("mechanism", EXTERNAL)
            .text(Base64.getEncoder().encodeToString(domain.getBytes(StandardCharsets.UTF_8))).get();
    }

    static Element saslSuccess() {
        return Element.of("success", Ns.SASL);
    }

    static Element saslFailure(String condition) {
        return Element.build("failure", Ns.SASL).child(Element.of(condition, Ns.SASL)).get();
    }

    /** RFC 6120 §5.4.1: STARTTLS, offered but not required (only to peers allowed without TLS), or asked for. */
    static Element starttls() {
        return Element.of("starttls", Ns.TLS);
    }

    static Element smFeature() {
        return Element.of("sm", SM);
    }

    static Element smEnable() {
        return Element.of("enable", SM);
    }

    static Element smEnabled() {
        return Element.of("enabled", SM);
    }

    static Element smFailed(String condition) {
        return Element.build("failed", SM).child(Element.of(condition, Ns.STANZAS)).get();
    }

    static Element smRequest() {
        return Element.of("r", SM);
    }

    static Element smAnswer(long handled) {
        return Element.build("a", SM).attr("h", Long.toString(handled & 0xFFFF_FFFFL)).get();
    }
}
