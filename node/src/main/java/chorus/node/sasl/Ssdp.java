package chorus.node.sasl;

import chorus.actors.account.ScramHash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * XEP-0474 SASL SCRAM Downgrade Protection (§5.1): the mechanisms a connection was shown and, when XEP-0440 was
 * used, its channel-binding types, each list sorted by octets (RFC 4790 §9.3 "i;octet"), the mechanisms joined
 * by 0x1E, then 0x1F and the types joined by 0x1E. SCRAM hashes it with its own hash into the "h" attribute of the
 * server-first-message, where the client's proof signs it: a man in the middle who struck a mechanism or a binding
 * type from the features is seen. Names are ASCII, so String order is octet order.
 *
 * @param mechanisms the mechanism names of the SASL profile the client authenticates with (RFC 6120 or XEP-0388)
 * @param bindings   the XEP-0440 channel-binding types shown, or null when XEP-0440 was not shown
 */
public record Ssdp(List<String> mechanisms, List<String> bindings) {
    public Ssdp {
        mechanisms = sorted(mechanisms);
        bindings = bindings == null ? null : sorted(bindings);
    }

    /** What the client was shown: {@code bindings} only when the connection offered -PLUS (XEP-0440 then shown). */
    public static Ssdp of(List<String> mechanisms, boolean cbShown, Collection<String> bindings) {
        return new Ssdp(mechanisms, cbShown ? List.copyOf(bindings) : null);
    }

    /** The string S of §5.1 steps 1-4. */
    public String text() {
        String s = String.join("\u001e", mechanisms);
        return bindings == null ? s : s + "\u001f" + String.join("\u001e", bindings);
    }

    /** §5.1 step 5: S hashed with the SCRAM mechanism's hash, in base64. */
    public String hash(ScramHash with) {
        return Base64.getEncoder().encodeToString(with.hash(text().getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<String> sorted(Collection<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort(null);
        return List.copyOf(out);
    }
}
