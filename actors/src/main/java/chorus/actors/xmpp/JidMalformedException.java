package chorus.actors.xmpp;

/** An address that RFC 7622 does not allow; answered with jid-malformed. */
public final class JidMalformedException extends IllegalArgumentException {
    public JidMalformedException(String message) {
        super(message == null ? "malformed address" : message);
    }
}
