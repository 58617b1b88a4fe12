package chorus.node.session;

import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Stanza;

/** What a {@link SessionExtension} may do with its session. */
public interface SessionLink {

    /** The account of the session. */
    BareJid account();

    /** The bound resource, or null before binding. */
    FullJid jid();

    /** Writes a stanza to the client now (an answer, a refusal, what it held back); nothing once the stream ended. */
    void toClient(Stanza stanza);

    /**
     * The client stopped reading what it is sent, or reads again (XEP-0352 inactive, active): the account's
     * entity hears it, so that a message waiting here reaches the user's device another way (XEP-0357 push).
     */
    void inactive(boolean inactive);

    /** Writes a top-level element that is no stanza (e.g. a feature's own acknowledgement). */
    void send(Element element);
}
