package chorus.loadtest.client;

import chorus.loadtest.xml.XmlElement;

/** What a scenario hears from a bound session. Called on the session's event loop. */
public interface SessionListener {
    void stanza(XmppSession session, XmlElement stanza);

    /** The connection ended, by either side; {@code reason} is short and names no address. */
    default void closed(XmppSession session, String reason) {
    }
}
