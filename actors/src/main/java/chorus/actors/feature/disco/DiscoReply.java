package chorus.actors.feature.disco;

import chorus.actors.xmpp.Element;

import java.util.Collection;

/**
 * The answer to a disco#info or disco#items request (XEP-0030 §3.1, §4.1), built the same way by every entity that
 * answers one (the server, accounts, the chat service and its rooms, the upload service): identities, features and
 * extended forms (XEP-0128) for info, items for items. Null attributes are left out.
 */
public final class DiscoReply {
    private final Element.Builder query;
    private final String ns;

    private DiscoReply(String ns, String node) {
        this.ns = ns;
        this.query = Element.build("query", ns).attr("node", node);
    }

    public static DiscoReply info() {
        return info(null);
    }

    /** A disco#info answer about this node (null: the entity itself). */
    public static DiscoReply info(String node) {
        return new DiscoReply(DiscoHandler.INFO, node);
    }

    public static DiscoReply items() {
        return items(null);
    }

    public static DiscoReply items(String node) {
        return new DiscoReply(DiscoHandler.ITEMS, node);
    }

    public DiscoReply identity(String category, String type, String name) {
        query.child(Element.build("identity", ns).attr("category", category).attr("type", type).attr("name", name).get());
        return this;
    }

    public DiscoReply feature(String var) {
        query.child(Element.build("feature", ns).attr("var", var).get());
        return this;
    }

    public DiscoReply features(Collection<String> vars) {
        vars.forEach(this::feature);
        return this;
    }

    /** An extended information form (XEP-0128). */
    public DiscoReply form(Element form) {
        query.child(form);
        return this;
    }

    public DiscoReply item(String jid, String node, String name) {
        query.child(Element.build("item", ns).attr("jid", jid).attr("node", node).attr("name", name).get());
        return this;
    }

    /** The page of items this answer holds, when the list is paged (XEP-0059 §2). */
    public DiscoReply resultSet(Element set) {
        query.child(set);
        return this;
    }

    public Element get() {
        return query.get();
    }
}
