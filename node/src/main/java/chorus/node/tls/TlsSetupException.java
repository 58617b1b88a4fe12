package chorus.node.tls;

/** The node's TLS identity could not be read, generated or used; the message names the file and the problem. */
public final class TlsSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
