package chorus.actors.feature.mam;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.MessageCodec;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Which messages go into an archive, and how they are written down and given back (XEP-0313, XEP-0359). */
public final class Archive {
    public static final String SID = "urn:xmpp:sid:0";
    public static final String FORWARD = "urn:xmpp:forward:0";
    static final String HINTS = "urn:xmpp:hints";

    private Archive() {
    }

    /**
     * Chat and normal messages with a body are archived; groupchat (no room archive here), headlines and
     * errors never, nor a message whose sender asked for it not to be stored (XEP-0334).
     */
    public static boolean archivable(Message m) {
        if (m.type() != Message.Type.CHAT && m.type() != Message.Type.NORMAL) {
            return false;
        }
        if (m.hasChild("no-store", HINTS) || m.hasChild("no-permanent-store", HINTS)) {
            return false;
        }
        return m.hasChild("body", Ns.CLIENT);
    }

    /**
     * XEP-0359 §5: a stanza-id claiming to be by this account was not written by its server: removed
     * before the message reaches the account.
     */
    public static Message withoutForgedIds(Message m, BareJid owner) {
        boolean any = false;
        List<Node> kept = new ArrayList<>();
        for (Node n : m.children()) {
            if (n instanceof Element e && e.is("stanza-id", SID) && owner.toString().equals(e.attr("by"))) {
                any = true;
            } else {
                kept.add(n);
            }
        }
        return any ? m.withChildren(kept) : m;
    }

    /** The message with the archive's id for it (XEP-0359), as the owner's resources receive it. */
    public static Message withStanzaId(Message m, BareJid owner, long id) {
        List<Node> children = new ArrayList<>(m.children());
        children.add(Element.build("stanza-id", SID).attr("by", owner.toString()).attr("id", Long.toString(id)).get());
        return m.withChildren(children);
    }

    public static byte[] encode(Message m) {
        return MessageCodec.encode(m);
    }

    public static Message decode(byte[] bytes) {
        return MessageCodec.decode(bytes);
    }

    /** XEP-0313 §4.2: one result, the archived message forwarded (XEP-0297) with its time (XEP-0203). */
    public static Element result(String queryId, long id, Instant at, Message m) {
        Element delay = Element.build("delay", Ns.DELAY)
            .attr("stamp", DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)))
            .get();
        Element forwarded = Element.build("forwarded", FORWARD)
            .child(delay)
            .child(m.toElement(Ns.CLIENT))
            .get();
        return Element.build("result", MamHandler.NS).attr("queryid", queryId).attr("id", Long.toString(id))
            .child(forwarded).get();
    }
}
