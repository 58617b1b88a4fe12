package chorus.node.csi;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaException;

import java.util.List;
import java.util.Set;

/**
 * Which stanzas an inactive client (XEP-0352) gets at once and which may wait, as common servers decide (Prosody's
 * csi_simple, with presence and PEP collapsed as §3 suggests). At once: IQs, errors, subscription requests and
 * answers, the room's presence about the user itself (XEP-0045 status 110), and messages a person reads or answers
 * now: with a body or a subject, invitations (XEP-0249, XEP-0045 §7.8), call proposals (XEP-0353), encrypted
 * payloads (XEP-0380, OMEMO), and results of the client's own archive queries (XEP-0313). A carbon copy (XEP-0280)
 * is judged by the message it carries. Everything else waits: presence updates, chat states (XEP-0085), receipts
 * and markers, PEP notifications and other headlines without a body. Of what waits, a newer stanza replaces an
 * older one with the same key: the presence of one full JID, the chat state of one sender, one PEP item.
 */
final class Urgency {
    static final String MUC_USER = "http://jabber.org/protocol/muc#user";
    static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
    static final String PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";
    static final String CARBONS = "urn:xmpp:carbons:2";
    static final String FORWARD = "urn:xmpp:forward:0";
    /** Payloads that make a message go at once. */
    private static final Set<String> URGENT_NS = Set.of("jabber:x:conference", "urn:xmpp:jingle-message:0",
        "urn:xmpp:jingle-message:1", "urn:xmpp:eme:0", "eu.siacs.conversations.axolotl", "urn:xmpp:omemo:2");
    /** What may ride along a chat state without making it more than one. */
    private static final Set<String> BESIDE_CHAT_STATE = Set.of(CHAT_STATES, "urn:xmpp:sid:0", "urn:xmpp:hints",
        CARBONS);

    /** At once, or held (under {@code key}: a newer held stanza with the same key replaces it; null: none does). */
    record Verdict(boolean urgent, String key) {
        static final Verdict URGENT = new Verdict(true, null);
        static final Verdict HOLD = new Verdict(false, null);

        static Verdict hold(String key) {
            return new Verdict(false, key);
        }
    }

    private Urgency() {
    }

    static Verdict of(Stanza s) {
        if (s instanceof Iq || s.isError()) {
            return Verdict.URGENT;
        }
        if (s instanceof Presence p) {
            if (p.type().isSubscription() || aboutSelf(p)) {
                return Verdict.URGENT;
            }
            return Verdict.hold("presence " + p.from());
        }
        Message m = (Message) s;
        for (String direction : List.of("received", "sent")) {
            Element carbon = m.child(direction, CARBONS).orElse(null);
            if (carbon != null) {
                return ofCarbon(direction, carbon);
            }
        }
        return ofMessage(m);
    }

    private static Verdict ofCarbon(String direction, Element carbon) {
        Element inner = carbon.child("forwarded", FORWARD).flatMap(f -> f.child("message", Ns.CLIENT)).orElse(null);
        if (inner == null) {
            return Verdict.URGENT;
        }
        Verdict v;
        try {
            v = ofMessage((Message) Stanza.fromElement(inner));
        } catch (StanzaException e) {
            return Verdict.URGENT;
        }
        return v.urgent() || v.key() == null ? v : Verdict.hold("carbon " + direction + " " + v.key());
    }

    private static Verdict ofMessage(Message m) {
        if (m.isError()) {
            return Verdict.URGENT;
        }
        for (Node n : m.children()) {
            if (n instanceof Element e && urgent(e)) {
                return Verdict.URGENT;
            }
        }
        if (chatStateOnly(m)) {
            return Verdict.hold("chatstate " + m.type() + " " + m.from() + " " + m.to());
        }
        String item = pepItem(m);
        return item == null ? Verdict.HOLD : Verdict.hold("pep " + m.from() + " " + item);
    }

    private static boolean urgent(Element e) {
        if (e.ns().equals(Ns.CLIENT)) {
            return e.name().equals("body") || e.name().equals("subject");
        }
        if (URGENT_NS.contains(e.ns())) {
            return true;
        }
        if (e.is("x", MUC_USER)) {
            return e.child("invite", MUC_USER).isPresent() || e.child("decline", MUC_USER).isPresent();
        }
        return e.name().equals("result") && e.ns().startsWith("urn:xmpp:mam:");
    }

    /** XEP-0045 §7.2.2: a room tells the user about itself (joined, kicked, banned, its nickname changed). */
    private static boolean aboutSelf(Presence p) {
        return p.child("x", MUC_USER).map(x -> x.elements("status", MUC_USER).stream()
            .anyMatch(st -> "110".equals(st.attr("code"))))
            .orElse(false);
    }

    /** A chat state notification and nothing else a person reads (XEP-0085 §5.5: the latest state is the state). */
    private static boolean chatStateOnly(Message m) {
        boolean state = false;
        for (Node n : m.children()) {
            if (n instanceof Element e) {
                if (e.ns().equals(CHAT_STATES)) {
                    state = true;
                } else if (!BESIDE_CHAT_STATE.contains(e.ns()) && !e.is("thread", Ns.CLIENT)) {
                    return false;
                }
            }
        }
        return state;
    }

    /** A PEP notification of one item (published or retracted): its node and item, or null. */
    private static String pepItem(Message m) {
        Element items = m.child("event", PUBSUB_EVENT).flatMap(ev -> ev.child("items", PUBSUB_EVENT)).orElse(null);
        if (items == null || items.attr("node") == null) {
            return null;
        }
        List<Element> children = items.elements();
        if (children.size() != 1 || children.get(0).attr("id") == null) {
            return null;
        }
        return items.attr("node") + " " + children.get(0).attr("id");
    }
}
