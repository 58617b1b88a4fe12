package chorus.node.sasl2;

import chorus.actors.xmpp.Element;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Bind 2 request inside {@code <authenticate/>} (XEP-0386 §4): the client's tag, and the features it enables
 * inline: XEP-0280 carbons ({@code <enable/>}), XEP-0352 state ({@code <inactive/>} or {@code <active/>}),
 * XEP-0198 stream management ({@code <enable/>}). A feature this server did not offer inline is ignored (§4.2).
 *
 * @param tag      the client's name for itself (null: none)
 * @param carbons  enable carbons for the bound resource
 * @param inactive start in the XEP-0352 inactive state
 * @param smEnable the XEP-0198 {@code <enable/>}, or null
 */
public record Bind2Request(String tag, boolean carbons, boolean inactive, Element smEnable) {

    static Bind2Request parse(Element bind, Sasl2Settings limits) throws Sasl2Request.Malformed {
        String tag = Sasl2Request.bounded(bind.childText("tag", Sasl2Wire.BIND2).map(String::strip).orElse(null),
            limits, "tag");
        boolean carbons = bind.child("enable", Sasl2Wire.CARBONS).isPresent();
        boolean inactive = bind.child("inactive", Sasl2Wire.CSI).isPresent();
        Element sm = bind.child("enable", Sasl2Wire.SM).orElse(null);
        return new Bind2Request(tag == null || tag.isEmpty() ? null : tag, carbons, inactive, sm);
    }

    /**
     * §4: the server picks the resource. From the tag and the user-agent's id it is the same at each login of the
     * same client (a client logging in again takes its old resource over); without an id it is random.
     */
    public String resource(String agentId, String random) {
        String prefix = tag == null ? "chorus" : tag;
        if (agentId == null || agentId.isEmpty()) {
            return prefix + "." + random;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(agentId.getBytes(StandardCharsets.UTF_8));
            return prefix + "." + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Bind2Request[" + (carbons ? "carbons " : "") + (inactive ? "inactive " : "") + (smEnable != null ? "sm" : "") + "]";
    }
}
