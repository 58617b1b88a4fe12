package chorus.loadtest.client;

/** How a connection gets TLS: STARTTLS on the plain port (RFC 6120 §5), direct TLS (XEP-0368), or none. */
public enum TlsMode {
    STARTTLS,
    DIRECT,
    /** Plaintext, for servers under test that allow it; never the default. */
    NONE;

    public static TlsMode parse(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
