package chorus.loadtest.client;

/** The namespaces a client needs. */
public final class Ns {
    public static final String CLIENT = "jabber:client";
    public static final String STREAMS = "http://etherx.jabber.org/streams";
    /** RFC 7395 §3.3: the framing elements of XMPP over WebSocket. */
    public static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String ROSTER = "jabber:iq:roster";
    public static final String REGISTER = "jabber:iq:register";

    private Ns() {
    }
}
