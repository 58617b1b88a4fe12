package chorus.actors.caps;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Presence;

import java.util.Optional;

/**
 * A resource's entity capabilities as its presence announced them (XEP-0115 §4): which disco#info to ask for
 * ({@code node#ver}) and, when {@code hash} names an algorithm, a verification string that lets one answer serve
 * every resource announcing the same one.
 *
 * @param hash the hash algorithm ("sha-1"), or null for the legacy format (§8.3), which cannot be verified
 */
public record Caps(String hash, String node, String ver) {
    public static final String NS = "http://jabber.org/protocol/caps";

    /** The caps of a presence, if it carries a well-formed {@code <c/>} (§4: node and ver are required). */
    public static Optional<Caps> of(Presence p) {
        Optional<Element> c = p.child("c", NS);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        String node = c.get().attr("node");
        String ver = c.get().attr("ver");
        if (node == null || node.isEmpty() || ver == null || ver.isEmpty()) {
            return Optional.empty();
        }
        String hash = c.get().attr("hash");
        return Optional.of(new Caps(hash == null || hash.isEmpty() ? null : hash, node, ver));
    }

    /** The node to put in the disco#info request (§6.2). */
    public String discoNode() {
        return node + "#" + ver;
    }

    /** Whether an answer for this caps may be shared by verification (not the legacy format). */
    public boolean verifiable() {
        return hash != null;
    }

    /** The key under which verified answers are kept: the algorithm and the verification string. */
    public String key() {
        return hash + " " + ver;
    }
}
