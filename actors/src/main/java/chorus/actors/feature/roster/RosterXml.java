package chorus.actors.feature.roster;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;

import java.util.Optional;

/** The roster on the wire (RFC 6121 §2.1): items, the full roster, roster pushes, the versioning stream feature. */
public final class RosterXml {
    public static final String NS = "jabber:iq:roster";
    public static final String VERSIONING_NS = "urn:xmpp:features:rosterver";
    /** The stream feature a session adds after authentication to advertise roster versioning (§2.6.1). */
    public static final Element VERSIONING_FEATURE = Element.of("ver", VERSIONING_NS);

    private RosterXml() {
    }

    /** {@code <item jid name subscription ask><group/>…</item>}; ask='subscribe' means Pending Out (§2.1.2.2). */
    public static Element item(RosterItem item) {
        Element.Builder b = Element.build("item", NS)
            .attr("jid", item.jid().toString())
            .attr("name", item.name())
            .attr("subscription", item.subscription().xml())
            .attr("ask", item.askOut() ? "subscribe" : null);
        for (String group : item.groups()) {
            b.textChild("group", NS, group);
        }
        return b.get();
    }

    /** The item of a roster push announcing a removal (§2.5.2). */
    public static Element removedItem(Jid jid) {
        return Element.build("item", NS).attr("jid", jid.toString()).attr("subscription", "remove").get();
    }

    /** The whole roster as clients see it, with its version (§2.1.4, §2.6.3). */
    public static Element query(Roster roster) {
        Element.Builder b = Element.build("query", NS).attr("ver", roster.version());
        for (RosterItem item : roster.list()) {
            b.child(item(item));
        }
        return b.get();
    }

    /**
     * A roster push (§2.1.6) of one contact's item, or of its removal when the item is empty or hidden, to one
     * interested resource. No 'from': a push comes implicitly from the user's own account.
     */
    public static Iq push(FullJid to, String id, Jid contact, Optional<RosterItem> item, String version) {
        Element payload = item.filter(i -> !i.hidden()).map(RosterXml::item).orElseGet(() -> removedItem(contact.bare()));
        return Iq.of(null, to, id, Iq.Type.SET, Element.build("query", NS).attr("ver", version).child(payload).get());
    }
}
