package chorus.node.session;

/** Where a client's stream is (RFC 6120 §4.3 negotiation, then the bound session). */
enum Phase {
    /** Waiting for the client's stream header (at the start, and after each restart). */
    AWAIT_STREAM,
    /** Before TLS, on a transport that starts it within the stream (§5). */
    TLS,
    /** SASL (§6), and in-band registration (XEP-0077) where open. */
    AUTH,
    /** Authenticated: resource binding (§7), or a XEP-0198 resumption. */
    BIND,
    /** XEP-0198: taking over a dropped stream; what the client sends waits. */
    RESUMING,
    /** A bound resource: stanzas both ways. */
    BOUND,
    /** The stream ended (late messages may still be read until the transport closes). */
    CLOSED
}
