package chorus.actors.feature;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Presence;
import chorus.actors.xmpp.Stanza;

/** One bound resource of the account, as its features see it: a client session somewhere in the cluster. */
public interface Resource {

    FullJid jid();

    /** Whether the resource sent available presence (and not unavailable since). */
    boolean available();

    /** Its last available presence, or null when it is not available. */
    Presence presence();

    /**
     * Whether its client is not reading now although the resource is still bound: the stream dropped and waits to
     * be resumed (XEP-0198 §5), or the client said it is inactive (XEP-0352). What reaches it waits until it is
     * back (push notifications, XEP-0357, tell the user's device so). As its session last told the entity.
     */
    default boolean quiet() {
        return false;
    }

    /** Hands a stanza to the resource's session, which writes it to its client. */
    void send(Stanza stanza);

    /** Tells the resource's session something of the session protocol (e.g. the block list). */
    void tell(SessionMessage message);

    /**
     * Whether the resource asked for something that makes it want pushes or copies (XEP-0191: the block list;
     * XEP-0280: carbons). Interests are the resource's, not the account's: they live as long as its session, and
     * the session keeps them when it binds again to a restarted or moved entity.
     */
    boolean wants(String interest);

    void want(String interest);

    /** The resource no longer wants what {@code interest} names. */
    void unwant(String interest);
}
