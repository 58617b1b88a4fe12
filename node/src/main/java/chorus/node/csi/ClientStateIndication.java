package chorus.node.csi;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;
import chorus.node.session.SessionExtension;
import chorus.node.session.SessionLink;

import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0352 Client State Indication on one bound stream: {@code <csi/>} is offered; after {@code <inactive/>} what
 * can wait is held ({@link Urgency}); {@code <active/>}, a stanza that must go at once, or a full queue writes
 * everything held first, in order (§5.1: before anything the client sends after {@code <active/>} is answered).
 *
 * <p>Held stanzas were never sent, so XEP-0198 does not count them. When another stream resumes this one they
 * join the stanzas it sends again (counted then), and the resumed stream starts active (XEP-0352 §5.2). A tracked
 * message that is held stays its account's entity's until written: should the session end first, the entity
 * delivers it elsewhere or drops it as its rules say (what waits here never has a body).
 */
public final class ClientStateIndication implements SessionExtension {
    public static final String NS = "urn:xmpp:csi:0";
    private static final long MOD = 1L << 32;

    private final SessionLink link;
    private final HeldStanzas held;
    private boolean inactive;

    public ClientStateIndication(SessionLink link, CsiSettings settings) {
        this.link = link;
        this.held = new HeldStanzas(settings.maxHeld(), settings.maxHeldBytes());
    }

    /** The extension for each bound stream, or none when CSI is switched off. */
    public static List<SessionExtension.Factory> factories(CsiSettings settings) {
        return settings.enabled() ? List.of(link -> new ClientStateIndication(link, settings)) : List.of();
    }

    @Override
    public List<Element> features() {
        return List.of(Element.of("csi", NS));
    }

    @Override
    public boolean element(Element e) {
        if (!NS.equals(e.ns()) || !(e.name().equals("active") || e.name().equals("inactive"))) {
            return false;
        }
        inactive = e.name().equals("inactive");
        link.inactive(inactive);
        if (!inactive) {
            flush();
        }
        return true;
    }

    @Override
    public boolean toClient(Stanza stanza) {
        if (!inactive) {
            return true;
        }
        Urgency.Verdict v = Urgency.of(stanza);
        if (v.urgent()) {
            flush();
            return true;
        }
        if (!held.add(stanza, v.key())) {
            flush();
        }
        return false;
    }

    /** XEP-0198 §5: what is held goes to the resuming stream as stanzas sent and not acknowledged yet. */
    @Override
    public SessionMessage.Resumption handOver(SessionMessage.Resumption r) {
        if (held.isEmpty()) {
            return r;
        }
        List<SessionMessage.Unacked> unacked = new ArrayList<>(r.unacked());
        List<Stanza> waiting = held.drain();
        for (Stanza s : waiting) {
            unacked.add(new SessionMessage.Unacked(s, 0, 0));
        }
        return new SessionMessage.Resumption(r.refused(), r.id(), r.handled(), (r.sent() + waiting.size()) % MOD,
            unacked, r.presence(), r.rosterInterest(), r.blocked(), r.timeoutSeconds());
    }

    boolean inactive() {
        return inactive;
    }

    int heldCount() {
        return held.size();
    }

    private void flush() {
        for (Stanza s : held.drain()) {
            link.toClient(s);
        }
    }
}
