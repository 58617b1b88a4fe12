package chorus.actors.feature.blocking;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Iq;
import chorus.actors.xmpp.Jid;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;
import chorus.actors.xmpp.StanzaError;
import chorus.actors.xmpp.StanzaError.Condition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a block list means for stanzas (XEP-0191 1.3 §3.3, §6): which addresses it matches, what happens to a
 * stanza a blocked address sends the user, and to one the user sends it. Pure functions; the user's entity applies
 * them. Stanzas between the user's own resources are never blocked (XEP-0191 §5, XEP-0016 §2.1): the entity does
 * not consult the list for them, and {@link BlockingHandler} refuses entries that would match the user.
 */
public final class BlockRules {
    /** The namespace of the application-specific error condition {@code <blocked/>} (§3.3). */
    public static final String ERRORS_NS = "urn:xmpp:blocking:errors";

    private BlockRules() {
    }

    /** True when an entry of the list matches this address ({@link #matches}); false for a null address. */
    public static boolean blocks(Collection<? extends Jid> blocklist, Jid jid) {
        if (jid == null) {
            return false;
        }
        for (Jid rule : blocklist) {
            if (matches(rule, jid)) {
                return true;
            }
        }
        return false;
    }

    /**
     * XEP-0191 §6, taken from XEP-0016 §2.1, on prepared addresses: {@code user@domain/resource} and
     * {@code domain/resource} match only themselves; {@code user@domain} matches itself and any of its resources;
     * {@code domain} matches itself and every address at that domain.
     */
    public static boolean matches(Jid rule, Jid jid) {
        if (rule.isDomain()) {
            return rule.domain().equals(jid.domain());
        }
        if (rule.isBare()) {
            return jid.local() != null && jid.bare().equals(rule);
        }
        return rule.equals(jid);
    }

    /**
     * §3.3, a stanza that came in from a blocked address: the error to send back to it, or empty when the stanza is
     * dropped in silence. Presence of every type: dropped, never answered. Messages and IQ gets and sets:
     * service-unavailable, so the user looks offline. IQ results and errors, and message errors (RFC 6120 §8.3.1:
     * an error is never answered with an error): dropped.
     */
    public static Optional<Stanza> refuseInbound(Stanza stanza) {
        if (stanza instanceof Presence || stanza.isError()) {
            return Optional.empty();
        }
        if (stanza instanceof Iq iq && !iq.isRequest()) {
            return Optional.empty();
        }
        return Optional.of(stanza.errorReply(StanzaError.of(Condition.SERVICE_UNAVAILABLE)));
    }

    /**
     * §3.3, a stanza the user sent to a blocked address: it is not routed, and the user gets back the error to
     * return, or nothing when the stanza is an error or an IQ result (RFC 6120 §8.2.3 and §8.3.1: those are never
     * answered).
     */
    public static Optional<Stanza> refuseOutbound(Stanza stanza) {
        if (stanza.isError() || stanza instanceof Iq iq && !iq.isRequest()) {
            return Optional.empty();
        }
        return Optional.of(blockedReply(stanza));
    }

    /**
     * The error of §3.3: not-acceptable with the application condition {@code <blocked/>}, of type cancel as in
     * the XEP's example (only unblocking, not a changed stanza, would let it through). RFC 6120 §8.3.2 puts the
     * application condition after the defined condition and the text.
     */
    public static Element blockedError() {
        return new StanzaError(Condition.NOT_ACCEPTABLE, StanzaError.Type.CANCEL, null).toElement()
            .withChild(Element.of("blocked", ERRORS_NS));
    }

    /** The error reply carrying {@link #blockedError()}: from the blocked address back to the user. */
    public static Stanza blockedReply(Stanza stanza) {
        List<Node> children = new ArrayList<>(stanza.children());
        children.add(blockedError());
        if (stanza instanceof Message m) {
            return new Message(m.to(), m.from(), m.id(), Message.Type.ERROR, m.lang(), children);
        }
        if (stanza instanceof Presence p) {
            return new Presence(p.to(), p.from(), p.id(), Presence.Type.ERROR, p.lang(), children);
        }
        Iq iq = (Iq) stanza;
        return new Iq(iq.to(), iq.from(), iq.id(), Iq.Type.ERROR, iq.lang(), children);
    }

    /**
     * The addresses the list {@code after} hides from that {@code before} did not, among those entitled to the
     * user's presence ({@code subscribers}: contacts with a subscription from or both). A subscriber's bare JID
     * stands for all its resources; a full JID entry newly blocking one resource of a subscriber yields that full
     * JID. With the lists swapped, the addresses revealed again.
     */
    static List<Jid> newlyHidden(Collection<? extends Jid> before, Collection<? extends Jid> after,
                                 Collection<? extends Jid> subscribers) {
        Set<Jid> subs = new LinkedHashSet<>();
        for (Jid s : subscribers) {
            subs.add(s.bare());
        }
        Set<Jid> out = new LinkedHashSet<>();
        for (Jid s : subs) {
            if (blocks(after, s) && !blocks(before, s)) {
                out.add(s);
            }
        }
        for (Jid rule : after) {
            if (rule.isFull() && rule.local() != null && subs.contains(rule.bare()) && !out.contains(rule.bare())
                && !blocks(before, rule)) {
                out.add(rule);
            }
        }
        return List.copyOf(out);
    }
}
