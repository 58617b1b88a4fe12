package chorus.actors.mailbox;

import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;

/** Which messages wait for an offline user (XEP-0160, XEP-0334). */
public final class Offline {
    public static final String HINTS = "urn:xmpp:hints";
    /**
     * Marks a notice of the server itself to an admin (from the server's domain), such as the notice of an
     * in-band registration: not to be stored like a message, but kept for an offline admin a shorter time,
     * its text in a row of its own that expires then ({@link MailboxEntity}).
     */
    public static final String NOTICE = "urn:chorus:server-notice:0";

    private Offline() {
    }

    /**
     * Chat and normal messages with content wait; headline, groupchat and errors never do (RFC 6121
     * §8.5.2.2.1), nor a message whose sender asked for it not to be stored (XEP-0334 no-store), nor
     * one without a body or subject (a chat state or a receipt has no use later) unless it asks to be
     * stored (XEP-0334 store).
     */
    public static boolean storable(Message m) {
        if (m.type() != Message.Type.CHAT && m.type() != Message.Type.NORMAL) {
            return false;
        }
        if (serverNotice(m)) {
            return true;
        }
        if (m.hasChild("no-store", HINTS) || m.hasChild("no-permanent-store", HINTS)) {
            return false;
        }
        return m.hasChild("store", HINTS) || m.hasChild("body", Ns.CLIENT) || m.hasChild("subject", Ns.CLIENT);
    }

    /**
     * A notice of the server (from a domain, never from an account: sessions stamp their clients' stanzas with
     * the account's address), marked with {@link #NOTICE}. The mailbox checks the domain is its own.
     */
    public static boolean serverNotice(Message m) {
        return m.from() instanceof DomainJid && m.hasChild("notice", NOTICE);
    }

    /** The marker a server notice carries. */
    public static Element noticeMarker() {
        return Element.of("notice", NOTICE);
    }
}
