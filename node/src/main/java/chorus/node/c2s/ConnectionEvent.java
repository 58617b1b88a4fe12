package chorus.node.c2s;

/** Pipeline user events about the client's stream, for the stages that count or limit connections. */
enum ConnectionEvent {
    /** SASL succeeded (RFC 6120 §6.4.6): the connection is no longer an unauthenticated one. */
    AUTHENTICATED
}
