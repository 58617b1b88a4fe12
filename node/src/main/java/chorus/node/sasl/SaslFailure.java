package chorus.node.sasl;

/** The SASL failure conditions of RFC 6120 §6.5, each with its element name. */
public enum SaslFailure {
    ABORTED("aborted"),
    ACCOUNT_DISABLED("account-disabled"),
    CREDENTIALS_EXPIRED("credentials-expired"),
    ENCRYPTION_REQUIRED("encryption-required"),
    INCORRECT_ENCODING("incorrect-encoding"),
    INVALID_AUTHZID("invalid-authzid"),
    INVALID_MECHANISM("invalid-mechanism"),
    MALFORMED_REQUEST("malformed-request"),
    MECHANISM_TOO_WEAK("mechanism-too-weak"),
    NOT_AUTHORIZED("not-authorized"),
    TEMPORARY_AUTH_FAILURE("temporary-auth-failure");

    private final String xmlName;

    SaslFailure(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The name of the condition element inside {@code <failure/>}, such as {@code not-authorized}. */
    public String xmlName() {
        return xmlName;
    }
}
