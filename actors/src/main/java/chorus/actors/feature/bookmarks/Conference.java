package chorus.actors.feature.bookmarks;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;

import java.util.Optional;

/**
 * One bookmarked room as both formats know it: XEP-0048's {@code <conference jid=…/>} inside {@code <storage/>},
 * and XEP-0402's {@code <conference/>} payload of the item whose id is the room's JID (§2). What only one format has
 * is not carried across: XEP-0402's {@code <extensions/>} stay on the PEP item, XEP-0048's URL bookmarks stay in
 * private storage (XEP-0402 §1 dropped them).
 *
 * @param jid      the room's bare JID (XEP-0402 §2: the item id)
 * @param name     a friendly name, or null
 * @param autojoin whether the client joins the room on login
 * @param nick     the nickname to join with, or null
 * @param password the room's password, or null
 */
record Conference(String jid, String name, boolean autojoin, String nick, String password) {
    static final String NATIVE = "urn:xmpp:bookmarks:1";
    static final String LEGACY = "storage:bookmarks";

    /** XEP-0048 §3.2: a conference of the legacy storage; empty when its jid is missing or not a bare JID. */
    static Optional<Conference> fromLegacy(Element c) {
        return room(c.attr("jid")).map(jid -> new Conference(jid, c.attr("name"), truth(c.attr("autojoin")),
            c.childText("nick", LEGACY).orElse(null), c.childText("password", LEGACY).orElse(null)));
    }

    /** XEP-0402 §2: the payload of an item of the bookmarks node; empty when it is not a conference of a room. */
    static Optional<Conference> fromNative(String itemId, Element payload) {
        if (!payload.is("conference", NATIVE)) {
            return Optional.empty();
        }
        return room(itemId).map(jid -> new Conference(jid, payload.attr("name"), truth(payload.attr("autojoin")),
            payload.childText("nick", NATIVE).orElse(null), payload.childText("password", NATIVE).orElse(null)));
    }

    Element toLegacy() {
        return Element.build("conference", LEGACY).attr("jid", jid).attr("name", name)
            .attr("autojoin", autojoin ? "true" : "false")
            .textChild("nick", LEGACY, nick).textChild("password", LEGACY, password).get();
    }

    /** The XEP-0402 payload, with the {@code <extensions/>} of the item it replaces (null: none). */
    Element toNative(Element extensions) {
        return Element.build("conference", NATIVE).attr("name", name).attr("autojoin", autojoin ? "true" : null)
            .textChild("nick", NATIVE, nick).textChild("password", NATIVE, password).child(extensions).get();
    }

    /** XML Schema boolean, as both XEPs define autojoin. */
    private static boolean truth(String v) {
        return "true".equals(v) || "1".equals(v);
    }

    /** The room's address in its normal form, if it is a bare JID with a local part. */
    private static Optional<String> room(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BareJid.parseBare(s).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Bookmarks are private data and may hold a room password: print nothing of them. */
    @Override
    public String toString() {
        return "Conference[…]";
    }
}
