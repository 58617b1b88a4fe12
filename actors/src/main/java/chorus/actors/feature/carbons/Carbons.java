package chorus.actors.feature.carbons;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;

import java.util.List;

/**
 * Which messages are carbon-copied (XEP-0280 §6.1, the rules of {@code urn:xmpp:carbons:rules:0}) and how a copy is
 * wrapped (§7, §8: XEP-0297 forwarding inside {@code <received/>} or {@code <sent/>}, from the account's bare JID to
 * the full JID of the resource that gets it). The error rule needs to know what the account exchanged, which
 * {@link CarbonsHooks} remembers.
 */
public final class Carbons {
    public static final String NS = "urn:xmpp:carbons:2";
    /** §6.2: the server applies exactly the rules of §6.1. */
    public static final String RULES = "urn:xmpp:carbons:rules:0";
    static final String FORWARD = "urn:xmpp:forward:0";
    static final String HINTS = "urn:xmpp:hints";
    static final String MUC_USER = "http://jabber.org/protocol/muc#user";
    /** XEP-0249 Direct MUC Invitations. */
    static final String CONFERENCE = "jabber:x:conference";
    /** Payloads typically used in IM (§6.1): XEP-0184 receipts, XEP-0085 chat states, XEP-0333 markers. */
    static final List<String> IM_PAYLOADS = List.of("urn:xmpp:receipts", "http://jabber.org/protocol/chatstates",
        "urn:xmpp:chat-markers:0");

    /** Which way a message went, seen from the account. */
    enum Direction {
        /** To the account: copies are {@code <received/>}. */
        RECEIVED,
        /** From one of the account's resources: copies are {@code <sent/>}. */
        SENT;

        String element() {
            return this == RECEIVED ? "received" : "sent";
        }
    }

    private Carbons() {
    }

    /**
     * §6.1 without its error rule: not marked private (§9: {@code <private/>}, or XEP-0334 {@code <no-copy/>}), no
     * groupchat, no private message from a MUC participant (the room copies those to each of the user's joined
     * clients already); invitations (XEP-0249, XEP-0045 §7.8.2), chat, normal with a body, and the payloads used in
     * IM are copied. A private message to a participant is a chat message like any other and is copied.
     */
    public static boolean eligible(Message m, Direction direction) {
        if (m.hasChild("private", NS) || m.hasChild("no-copy", HINTS)) {
            return false;
        }
        if (m.type() == Message.Type.GROUPCHAT || m.type() == Message.Type.ERROR) {
            return false;
        }
        Element mucUser = m.child("x", MUC_USER).orElse(null);
        boolean mediatedInvite = mucUser != null && mucUser.child("invite", MUC_USER).isPresent();
        if (mediatedInvite || m.hasChild("x", CONFERENCE)) {
            return true;
        }
        if (direction == Direction.RECEIVED && mucUser != null && m.from() instanceof FullJid) {
            return false;
        }
        if (m.type() == Message.Type.CHAT) {
            return true;
        }
        if (m.type() == Message.Type.NORMAL && m.hasChild("body", Ns.CLIENT)) {
            return true;
        }
        for (Node n : m.children()) {
            if (n instanceof Element e && IM_PAYLOADS.contains(e.ns())) {
                return true;
            }
        }
        return false;
    }

    /** A copy for {@code to}: the wrapper keeps the message's type (§7, §8) and carries the message as it went. */
    static Message copy(BareJid account, FullJid to, Message original, Direction direction) {
        Element forwarded = Element.build("forwarded", FORWARD).child(original.toElement(Ns.CLIENT)).get();
        Element wrapper = Element.build(direction.element(), NS).child(forwarded).get();
        return new Message(account, to, null, original.type(), null, List.of(wrapper));
    }

    /** The address that identifies the other side of a message, with its id: what an error to it answers. */
    static String key(Jid peer, String id) {
        return peer.bare() + " " + id;
    }
}
