package chorus.actors.xmpp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An info/query stanza (RFC 6120 §8.2.3): get and set carry exactly one payload element. */
public record Iq(Jid from, Jid to, String id, Type type, String lang, List<Node> children) implements Stanza {

    public enum Type {
        GET, SET, RESULT, ERROR;

        public String xml() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type parse(String s) {
            if (s == null) {
                return null;
            }
            switch (s) {
                case "get": return GET;
                case "set": return SET;
                case "result": return RESULT;
                case "error": return ERROR;
                default: return null;
            }
        }
    }

    public Iq {
        children = List.copyOf(children);
    }

    public static Iq of(Jid from, Jid to, String id, Type type, Element payload) {
        return new Iq(from, to, id, type, null, payload == null ? List.of() : List.of(payload));
    }

    /** The payload element of a get or set. */
    public Optional<Element> payload() {
        for (Node n : children) {
            if (n instanceof Element e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public boolean payloadIs(String ns, String name) {
        return payload().map(p -> p.is(name, ns)).orElse(false);
    }

    public boolean isRequest() {
        return type == Type.GET || type == Type.SET;
    }

    /** An empty result to this request, from its recipient back to its sender. */
    public Iq result() {
        return new Iq(to, from, id, Type.RESULT, null, List.of());
    }

    /** A result carrying a payload. */
    public Iq result(Element payload) {
        return new Iq(to, from, id, Type.RESULT, null, payload == null ? List.of() : List.of(payload));
    }

    public Iq error(StanzaError error) {
        return (Iq) errorReply(error);
    }

    @Override
    public String kind() {
        return "iq";
    }

    @Override
    public String typeName() {
        return type.xml();
    }

    @Override
    public boolean isError() {
        return type == Type.ERROR;
    }

    @Override
    public Iq withFrom(Jid f) {
        return new Iq(f, to, id, type, lang, children);
    }

    @Override
    public Iq withTo(Jid t) {
        return new Iq(from, t, id, type, lang, children);
    }

    @Override
    public Iq withFromTo(Jid f, Jid t) {
        return new Iq(f, t, id, type, lang, children);
    }

    /** Payloads may hold private data: print the outline. */
    @Override
    public String toString() {
        return "Iq[" + type + " " + from + "->" + to + " " + payload().map(p -> p.ns()).orElse("") + "]";
    }
}
