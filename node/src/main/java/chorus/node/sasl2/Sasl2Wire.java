package chorus.node.sasl2;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Ns;
import chorus.node.sasl.SaslStep;
import chorus.node.sasl.SaslWire;

import java.util.List;

/**
 * The XMPP form of SASL2 (XEP-0388): the {@code <authentication/>} feature with what can be asked for inline, and
 * the server's {@code <challenge/>}, {@code <success/>} and {@code <failure/>}. The data is base64 as in RFC 6120;
 * a failure's condition is one of RFC 6120 §6.5, in the SASL namespace (§2.6.2).
 */
public final class Sasl2Wire {
    public static final String NS = "urn:xmpp:sasl:2";
    public static final String BIND2 = "urn:xmpp:bind:0";
    public static final String SM = "urn:xmpp:sm:3";
    public static final String FAST = "urn:xmpp:fast:0";
    public static final String CARBONS = "urn:xmpp:carbons:2";
    public static final String CSI = "urn:xmpp:csi:0";

    private Sasl2Wire() {
    }

    /**
     * §2.1: the mechanisms, and inline: Bind 2 with the features it can enable (XEP-0386 §3), XEP-0198 resumption
     * ({@code <sm/>}, XEP-0198 §"inline"), and FAST with its mechanisms (XEP-0484 §3) when there are any.
     */
    public static Element feature(List<String> mechanisms, Sasl2Settings settings, boolean sm, List<String> fast) {
        Element.Builder b = Element.build("authentication", NS);
        for (String m : mechanisms) {
            b.textChild("mechanism", NS, m);
        }
        Element.Builder bindInline = Element.build("inline", BIND2);
        if (settings.carbons()) {
            bindInline.child(Element.build("feature", BIND2).attr("var", CARBONS).get());
        }
        if (settings.csi()) {
            bindInline.child(Element.build("feature", BIND2).attr("var", CSI).get());
        }
        if (sm) {
            bindInline.child(Element.build("feature", BIND2).attr("var", SM).get());
        }
        Element.Builder inline = Element.build("inline", NS)
            .child(Element.build("bind", BIND2).child(bindInline.get()).get());
        if (sm) {
            inline.child(Element.of("sm", SM));
        }
        if (!fast.isEmpty()) {
            Element.Builder f = Element.build("fast", FAST);
            fast.forEach(m -> f.textChild("mechanism", FAST, m));
            inline.child(f.get());
        }
        return b.child(inline.get()).get();
    }

    /** A challenge or a failure of the mechanism, in SASL2's form (a success is built by {@link #success}). */
    public static Element element(SaslStep step) {
        if (step instanceof SaslStep.Challenge c) {
            String t = SaslWire.encode(c.data());
            return Element.build("challenge", NS).text(t.isEmpty() ? null : t).get();
        }
        if (step instanceof SaslStep.Failure f) {
            return Element.build("failure", NS)
                .child(Element.of(f.condition().xmlName(), Ns.SASL))
                .child(f.text() == null ? null : Element.build("text", NS).text(f.text()).get())
                .get();
        }
        throw new IllegalArgumentException("not sent as such: " + step);
    }

    /**
     * §2.6.1: the mechanism's additional data, the identity the client now has (its full JID once bound or
     * resumed, else its bare JID), and what the inline requests gave (Bind 2's {@code <bound/>}, XEP-0198's
     * {@code <resumed/>} or {@code <failed/>}, a XEP-0484 {@code <token/>}).
     */
    public static Element success(byte[] additionalData, String authorizationIdentifier, List<Element> inline) {
        String data = SaslWire.encode(additionalData);
        Element.Builder b = Element.build("success", NS);
        if (!data.isEmpty()) {
            b.textChild("additional-data", NS, data);
        }
        b.textChild("authorization-identifier", NS, authorizationIdentifier);
        inline.forEach(b::child);
        return b.get();
    }
}
