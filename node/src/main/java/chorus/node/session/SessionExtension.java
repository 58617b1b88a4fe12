package chorus.node.session;

import chorus.actors.session.SessionMessage;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Stanza;

import java.util.List;

/**
 * A per-session feature of a bound stream, plugged in without editing the session: what it offers, the top-level
 * elements it takes, and its say on what passes between the client and the server. Client State Indication
 * (XEP-0352: {@code <csi/>} offered, {@code <active/>}/{@code <inactive/>} taken, unimportant stanzas held back
 * while inactive), the enabling of carbons or push are of this kind. Every hook is optional; hooks run on the
 * session's thread, in the order the extensions were registered.
 */
public interface SessionExtension {

    /** Creates the extension for one session. */
    @FunctionalInterface
    interface Factory {
        SessionExtension create(SessionLink link);
    }

    /** The stream features it offers once the client authenticated (RFC 6120 §4.3.2), beside bind and sm. */
    default List<Element> features() {
        return List.of();
    }

    /** A top-level element of the bound stream that is no stanza: true when it took it. */
    default boolean element(Element element) {
        return false;
    }

    /**
     * A stanza the client sent, its 'from' stamped: true to pass it on, false when the extension stopped it here
     * (and answered it through the link if it should be answered).
     */
    default boolean fromClient(Stanza stanza) {
        return true;
    }

    /**
     * A stanza the account's entity hands the client: true to write it now, false when the extension holds it back,
     * to release it later through {@link SessionLink#toClient}. A message the entity tracks that is held is
     * acknowledged to its sender at once and written untracked when released: the entity counts it written once a
     * later tracked message is, and delivers it elsewhere if the session ends first.
     */
    default boolean toClient(Stanza stanza) {
        return true;
    }

    /** Something of the session protocol the account's entity told the session (the block list). */
    default void fromAccount(SessionMessage message) {
    }

    /** XEP-0198: the session's state goes to a stream that resumes it; the extension adds its part. */
    default SessionMessage.Resumption handOver(SessionMessage.Resumption resumption) {
        return resumption;
    }

    /** XEP-0198: this stream resumed another; the extension takes its part. */
    default void resumed(SessionMessage.Resumption resumption) {
    }
}
