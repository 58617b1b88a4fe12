package chorus.actors.xmpp;

import java.util.List;
import java.util.Locale;

/** A presence stanza (RFC 6121 §3, §4). Type AVAILABLE stands for the absent type attribute. */
public record Presence(Jid from, Jid to, String id, Type type, String lang, List<Node> children) implements Stanza {

    public enum Type {
        AVAILABLE, UNAVAILABLE, SUBSCRIBE, SUBSCRIBED, UNSUBSCRIBE, UNSUBSCRIBED, PROBE, ERROR;

        public String xml() {
            return this == AVAILABLE ? null : name().toLowerCase(Locale.ROOT);
        }

        /** Null for an unknown type, which is a bad-request (RFC 6120 §8.2.3 for presence types). */
        public static Type parse(String s) {
            if (s == null) {
                return AVAILABLE;
            }
            switch (s) {
                case "unavailable": return UNAVAILABLE;
                case "subscribe": return SUBSCRIBE;
                case "subscribed": return SUBSCRIBED;
                case "unsubscribe": return UNSUBSCRIBE;
                case "unsubscribed": return UNSUBSCRIBED;
                case "probe": return PROBE;
                case "error": return ERROR;
                default: return null;
            }
        }

        public boolean isSubscription() {
            return this == SUBSCRIBE || this == SUBSCRIBED || this == UNSUBSCRIBE || this == UNSUBSCRIBED;
        }
    }

    public Presence {
        type = type == null ? Type.AVAILABLE : type;
        children = List.copyOf(children);
    }

    public static Presence of(Jid from, Jid to, Type type) {
        return new Presence(from, to, null, type, null, List.of());
    }

    /** RFC 6121 §4.7.2.3: priority is -128..127, default 0. */
    public int priority() {
        return child("priority", Ns.CLIENT).map(e -> {
            try {
                int p = Integer.parseInt(e.text().trim());
                return Math.max(-128, Math.min(127, p));
            } catch (NumberFormatException ex) {
                return 0;
            }
        }).orElse(0);
    }

    public boolean isAvailability() {
        return type == Type.AVAILABLE || type == Type.UNAVAILABLE;
    }

    @Override
    public String kind() {
        return "presence";
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
    public Presence withFrom(Jid f) {
        return new Presence(f, to, id, type, lang, children);
    }

    @Override
    public Presence withTo(Jid t) {
        return new Presence(from, t, id, type, lang, children);
    }

    @Override
    public Presence withFromTo(Jid f, Jid t) {
        return new Presence(f, t, id, type, lang, children);
    }

    public Presence withType(Type t) {
        return new Presence(from, to, id, t, lang, children);
    }

    /** A status text is personal content: never print it. */
    @Override
    public String toString() {
        return "Presence[" + type + " " + from + "->" + to + "]";
    }
}
