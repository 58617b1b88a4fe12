package chorus.actors.muc;

import chorus.actors.xmpp.StanzaError;

/** A request the room refuses: the condition goes back to the sender as a stanza error. */
final class MucError extends RuntimeException {
    final StanzaError.Condition condition;

    MucError(StanzaError.Condition condition, String text) {
        super(text, null, false, false);
        this.condition = condition;
    }

    StanzaError error() {
        return StanzaError.of(condition, getMessage());
    }
}
