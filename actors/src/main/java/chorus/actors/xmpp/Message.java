package chorus.actors.xmpp;

import java.util.List;
import java.util.Locale;

/** A message stanza (RFC 6121 §5). */
public record Message(Jid from, Jid to, String id, Type type, String lang, List<Node> children) implements Stanza {

    public enum Type {
        NORMAL, CHAT, GROUPCHAT, HEADLINE, ERROR;

        public String xml() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Unknown types are handled as normal (RFC 6121 §5.2.2). */
        public static Type parse(String s) {
            if (s == null) {
                return NORMAL;
            }
            switch (s) {
                case "chat": return CHAT;
                case "groupchat": return GROUPCHAT;
                case "headline": return HEADLINE;
                case "error": return ERROR;
                default: return NORMAL;
            }
        }
    }

    public Message {
        type = type == null ? Type.NORMAL : type;
        children = List.copyOf(children);
    }

    public static Message chat(Jid from, Jid to, String id, String body) {
        return new Message(from, to, id, Type.CHAT, null,
            List.of(Element.build("body", Ns.CLIENT).text(body).get()));
    }

    public String body() {
        return child("body", Ns.CLIENT).map(Element::text).orElse(null);
    }

    @Override
    public String kind() {
        return "message";
    }

    @Override
    public String typeName() {
        return type == Type.NORMAL ? null : type.xml();
    }

    @Override
    public boolean isError() {
        return type == Type.ERROR;
    }

    @Override
    public Message withFrom(Jid f) {
        return new Message(f, to, id, type, lang, children);
    }

    @Override
    public Message withTo(Jid t) {
        return new Message(from, t, id, type, lang, children);
    }

    @Override
    public Message withFromTo(Jid f, Jid t) {
        return new Message(f, t, id, type, lang, children);
    }

    public Message withChildren(List<Node> c) {
        return new Message(from, to, id, type, lang, c);
    }

    /** Records print every field, and a body must never reach a log. */
    @Override
    public String toString() {
        return "Message[" + type + " " + from + "->" + to + "]";
    }
}
