package chorus.node.tcp;

/** Pipeline user events about the client's stream, for the stages that count or limit connections. */
public enum ConnectionEvent {
    /** SASL succeeded (RFC 6120 §6.4.6): the connection is no longer an unauthenticated one. */
    AUTHENTICATED
}
