package chorus.loadtest.client;

import static chorus.loadtest.xml.Xml.escape;

/** The XML a client writes: stream headers and the stanzas the scenarios send (RFC 6120, RFC 6121). */
public final class Stanzas {
    private Stanzas() {
    }

    /** RFC 6120 §4.7: the initial stream header of a client, with the XML declaration. */
    public static String streamHeader(String domain) {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='" + Ns.STREAMS
            + "' to='" + escape(domain) + "' version='1.0' xml:lang='en'>";
    }

    public static final String STREAM_END = "</stream:stream>";

    /** RFC 7395 §3.4: over WebSocket a stream opens with {@code <open/>}, one message of its own. */
    public static String wsOpen(String domain) {
        return "<open xmlns='" + Ns.FRAMING + "' to='" + escape(domain) + "' version='1.0' xml:lang='en'/>";
    }

    /** RFC 7395 §3.6: and ends with {@code <close/>}. */
    public static final String WS_CLOSE = "<close xmlns='" + Ns.FRAMING + "'/>";

    /**
     * Over WebSocket each message is a whole element with its own namespace declarations; the client reads them as
     * the children of this root, which the server never sends, so one parser takes both transports.
     */
    public static final String WS_PARSER_ROOT = "<stream:stream xmlns='jabber:client' xmlns:stream='" + Ns.STREAMS + "'>";

    public static final String STARTTLS = "<starttls xmlns='" + Ns.TLS + "'/>";

    public static String auth(String mechanism, String base64) {
        // RFC 6120 §6.4.2: an empty initial response is written as '='.
        return "<auth xmlns='" + Ns.SASL + "' mechanism='" + escape(mechanism) + "'>" + (base64.isEmpty() ? "=" : base64)
            + "</auth>";
    }

    public static String saslResponse(String base64) {
        return "<response xmlns='" + Ns.SASL + "'>" + base64 + "</response>";
    }

    public static String bind(String id, String resource) {
        return "<iq type='set' id='" + id + "'><bind xmlns='" + Ns.BIND + "'><resource>" + escape(resource)
            + "</resource></bind></iq>";
    }

    public static String session(String id) {
        return "<iq type='set' id='" + id + "'><session xmlns='" + Ns.SESSION + "'/></iq>";
    }

    /** XEP-0077 §3.1: registering an account before authenticating. */
    public static String register(String id, String username, String password) {
        return "<iq type='set' id='" + id + "'><query xmlns='" + Ns.REGISTER + "'><username>" + escape(username)
            + "</username><password>" + escape(password) + "</password></query></iq>";
    }

    public static String chat(String to, String id, String body) {
        return "<message to='" + escape(to) + "' id='" + escape(id) + "' type='chat'><body>" + escape(body)
            + "</body></message>";
    }

    /** Broadcast presence: available with a status text (RFC 6121 §4.2, §4.4). */
    public static String presence(String status) {
        return status == null ? "<presence/>" : "<presence><status>" + escape(status) + "</status></presence>";
    }

    /** Broadcast unavailable presence before logging out (RFC 6121 §4.5.1). */
    public static String unavailable(String status) {
        return "<presence type='unavailable'><status>" + escape(status) + "</status></presence>";
    }

    /** Subscription management presence: subscribe, subscribed, unsubscribe, unsubscribed (RFC 6121 §3). */
    public static String presenceTo(String to, String type) {
        return "<presence to='" + escape(to) + "' type='" + escape(type) + "'/>";
    }

    public static String rosterGet(String id) {
        return "<iq type='get' id='" + id + "'><query xmlns='" + Ns.ROSTER + "'/></iq>";
    }

    /** RFC 6121 §2.3: adds or updates a roster item. */
    public static String rosterSet(String id, String jid, String name) {
        return "<iq type='set' id='" + id + "'><query xmlns='" + Ns.ROSTER + "'><item jid='" + escape(jid) + "' name='"
            + escape(name) + "'/></query></iq>";
    }

    /** RFC 6121 §2.5: removes a roster item. */
    public static String rosterRemove(String id, String jid) {
        return "<iq type='set' id='" + id + "'><query xmlns='" + Ns.ROSTER + "'><item jid='" + escape(jid)
            + "' subscription='remove'/></query></iq>";
    }

    /** The empty result that acknowledges a roster push or a ping. */
    public static String iqResult(String to, String id) {
        return "<iq type='result'" + (to == null ? "" : " to='" + escape(to) + "'") + " id='" + escape(id) + "'/>";
    }

    /** RFC 6120 §8.4: the answer to a request nobody here handles. */
    public static String iqUnsupported(String to, String id) {
        return "<iq type='error'" + (to == null ? "" : " to='" + escape(to) + "'") + " id='" + escape(id)
            + "'><error type='cancel'><service-unavailable xmlns='" + Ns.STANZAS + "'/></error></iq>";
    }

    /** Whitespace keepalive (RFC 6120 §4.6.1). */
    public static final String KEEPALIVE = " ";
}
