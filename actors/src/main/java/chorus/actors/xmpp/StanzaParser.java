package chorus.actors.xmpp;

/** Turns a parsed top-level element into a stanza, checking addresses and types (RFC 6120 §8.1-8.2). */
final class StanzaParser {
    private StanzaParser() {
    }

    static Stanza parse(Element e) {
        Jid from = jid(e.attr("from"));
        Jid to = jid(e.attr("to"));
        String id = e.attr("id");
        String lang = e.attr("xml:lang");
        switch (e.name()) {
            case "message":
                return new Message(from, to, id, Message.Type.parse(e.attr("type")), lang, e.children());
            case "presence": {
                Presence.Type t = Presence.Type.parse(e.attr("type"));
                if (t == null) {
                    throw new StanzaException(StanzaError.Condition.BAD_REQUEST, "unknown presence type");
                }
                return new Presence(from, to, id, t, lang, e.children());
            }
            case "iq": {
                Iq.Type t = Iq.Type.parse(e.attr("type"));
                if (t == null) {
                    throw new StanzaException(StanzaError.Condition.BAD_REQUEST, "missing or unknown iq type");
                }
                if (id == null || id.isEmpty()) {
                    throw new StanzaException(StanzaError.Condition.BAD_REQUEST, "iq without id");
                }
                Iq iq = new Iq(from, to, id, t, lang, e.children());
                // RFC 6120 §8.2.3: get and set contain exactly one child element.
                if (iq.isRequest() && e.elements().size() != 1) {
                    throw new StanzaException(StanzaError.Condition.BAD_REQUEST, "iq get/set needs exactly one payload");
                }
                return iq;
            }
            default:
                throw new IllegalArgumentException("not a stanza: " + e.name());
        }
    }

    private static Jid jid(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Jid.parse(s);
        } catch (JidMalformedException ex) {
            throw new StanzaException(StanzaError.Condition.JID_MALFORMED, "malformed address");
        }
    }
}
