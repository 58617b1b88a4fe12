package chorus.loadtest.client;

/** A connection did not reach its goal (a bound session, or a registered account); the reason is a short tag. */
public final class SetupFailure extends RuntimeException {
    private final String reason;

    public SetupFailure(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** e.g. {@code connect}, {@code tls}, {@code sasl:not-authorized}, {@code timeout:auth}. */
    public String reason() {
        return reason;
    }
}
