package chorus.actors.xmpp;

/** A stanza that cannot be processed; answered with the given error (or a stream error when unanswerable). */
public final class StanzaException extends RuntimeException {
    private final StanzaError error;

    public StanzaException(StanzaError.Condition condition, String text) {
        super(text, null, false, false);
        this.error = StanzaError.of(condition, text);
    }

    public StanzaError error() {
        return error;
    }
}
