package chorus.actors.mailbox;

import chorus.actors.xmpp.Message;
import chorus.actors.xmpp.Ns;

/** Which messages wait for an offline user (XEP-0160, XEP-0334). */
public final class Offline {
    public static final String HINTS = "urn:xmpp:hints";

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
        if (m.hasChild("no-store", HINTS) || m.hasChild("no-permanent-store", HINTS)) {
            return false;
        }
        return m.hasChild("store", HINTS) || m.hasChild("body", Ns.CLIENT) || m.hasChild("subject", Ns.CLIENT);
    }
}
