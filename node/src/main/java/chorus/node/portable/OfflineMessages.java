package chorus.node.portable;

import chorus.actors.mailbox.MailboxEntity;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Node;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Stanza;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0227 §3.5: the messages waiting for a user, each with a XEP-0203 {@code <delay/>} stamped with its arrival;
 * on import that stamp is its arrival here too (or the legacy XEP-0091 {@code jabber:x:delay} one), so its 72 hours
 * run from when it first arrived.
 */
final class OfflineMessages {
    static final String LEGACY_DELAY = "jabber:x:delay";
    private static final DateTimeFormatter LEGACY = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss");

    private OfflineMessages() {
    }

    /** A waiting message as exported: to the account, stamped by the domain with its arrival. */
    static Element toElement(MailboxEntity.MessageStored m, String domain) {
        List<Node> children = new ArrayList<>(m.message().children());
        children.add(Element.build("delay", Ns.DELAY).attr("from", domain)
            .attr("stamp", DateTimeFormatter.ISO_INSTANT.format(m.arrivedAt())).text("Offline Storage").get());
        return m.message().withChildren(children).toElement(Ns.CLIENT);
    }

    /** A message of the file, to import. */
    record Waiting(Message message, Instant arrivedAt) {
        @Override
        public String toString() {
            return "Waiting[" + arrivedAt + "]";
        }
    }

    /**
     * The message as the mailbox keeps it (to the account, its delay stamps taken off) and when it arrived; no stamp:
     * {@code now}. Not a message: IllegalArgumentException.
     */
    static Waiting fromElement(Element e, BareJid account, Instant now) {
        if (!e.is("message", Ns.CLIENT)) {
            throw new IllegalArgumentException("not a message");
        }
        Instant arrived = null;
        List<Node> kept = new ArrayList<>();
        for (Node n : e.children()) {
            if (n instanceof Element c && (c.is("delay", Ns.DELAY) || c.is("x", LEGACY_DELAY))) {
                arrived = arrived != null ? arrived : stamp(c);
            } else {
                kept.add(n);
            }
        }
        Message m;
        try {
            m = (Message) Stanza.fromElement(e.withChildren(kept));
        } catch (RuntimeException bad) {
            throw new IllegalArgumentException("not a message");
        }
        return new Waiting(m.withTo(account), arrived != null ? arrived : now);
    }

    private static Instant stamp(Element delay) {
        String s = delay.attr("stamp");
        if (s == null) {
            return null;
        }
        try {
            return delay.is("delay", Ns.DELAY) ? java.time.OffsetDateTime.parse(s).toInstant()
                : LocalDateTime.parse(s, LEGACY).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
