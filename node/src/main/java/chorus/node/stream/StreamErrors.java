package chorus.node.stream;

import java.util.Set;

/** The defined conditions of stream errors (RFC 6120 §4.9.3), as their element names. */
public final class StreamErrors {
    public static final String BAD_FORMAT = "bad-format";
    public static final String BAD_NAMESPACE_PREFIX = "bad-namespace-prefix";
    public static final String CONFLICT = "conflict";
    public static final String CONNECTION_TIMEOUT = "connection-timeout";
    public static final String HOST_GONE = "host-gone";
    public static final String HOST_UNKNOWN = "host-unknown";
    public static final String IMPROPER_ADDRESSING = "improper-addressing";
    public static final String INTERNAL_SERVER_ERROR = "internal-server-error";
    public static final String INVALID_FROM = "invalid-from";
    public static final String INVALID_NAMESPACE = "invalid-namespace";
    public static final String INVALID_XML = "invalid-xml";
    public static final String NOT_AUTHORIZED = "not-authorized";
    public static final String NOT_WELL_FORMED = "not-well-formed";
    public static final String POLICY_VIOLATION = "policy-violation";
    public static final String REMOTE_CONNECTION_FAILED = "remote-connection-failed";
    public static final String RESET = "reset";
    public static final String RESOURCE_CONSTRAINT = "resource-constraint";
    public static final String RESTRICTED_XML = "restricted-xml";
    public static final String SEE_OTHER_HOST = "see-other-host";
    public static final String SYSTEM_SHUTDOWN = "system-shutdown";
    public static final String UNDEFINED_CONDITION = "undefined-condition";
    public static final String UNSUPPORTED_ENCODING = "unsupported-encoding";
    public static final String UNSUPPORTED_FEATURE = "unsupported-feature";
    public static final String UNSUPPORTED_STANZA_TYPE = "unsupported-stanza-type";
    public static final String UNSUPPORTED_VERSION = "unsupported-version";

    private static final Set<String> DEFINED = Set.of(
        BAD_FORMAT, BAD_NAMESPACE_PREFIX, CONFLICT, CONNECTION_TIMEOUT, HOST_GONE, HOST_UNKNOWN,
        IMPROPER_ADDRESSING, INTERNAL_SERVER_ERROR, INVALID_FROM, INVALID_NAMESPACE, INVALID_XML,
        NOT_AUTHORIZED, NOT_WELL_FORMED, POLICY_VIOLATION, REMOTE_CONNECTION_FAILED, RESET,
        RESOURCE_CONSTRAINT, RESTRICTED_XML, SEE_OTHER_HOST, SYSTEM_SHUTDOWN, UNDEFINED_CONDITION,
        UNSUPPORTED_ENCODING, UNSUPPORTED_FEATURE, UNSUPPORTED_STANZA_TYPE, UNSUPPORTED_VERSION);

    private StreamErrors() {
    }

    /** True for one of the 25 conditions RFC 6120 defines; anything else is not allowed on the wire. */
    public static boolean isDefined(String condition) {
        return condition != null && DEFINED.contains(condition);
    }
}
