package chorus.loadtest.sasl;

/** The server's side of an exchange did not add up: a malformed message or a wrong server signature. */
public final class SaslException extends Exception {
    public SaslException(String message) {
        super(message);
    }
}
