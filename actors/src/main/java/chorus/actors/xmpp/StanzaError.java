package chorus.actors.xmpp;

import java.util.Locale;

/**
 * A stanza error (RFC 6120 §8.3): a defined condition, its type, an optional text for humans, and an optional
 * application-specific condition (§8.3.2: an element in the application's namespace, after the text).
 */
public record StanzaError(Condition condition, Type type, String text, Element application) {

    public StanzaError(Condition condition, Type type, String text) {
        this(condition, type, text, null);
    }

    public enum Type {
        AUTH, CANCEL, CONTINUE, MODIFY, WAIT;

        public String xml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The defined conditions of RFC 6120 §8.3.3, each with the type the RFC suggests. */
    public enum Condition {
        BAD_REQUEST(Type.MODIFY),
        CONFLICT(Type.CANCEL),
        FEATURE_NOT_IMPLEMENTED(Type.CANCEL),
        FORBIDDEN(Type.AUTH),
        GONE(Type.CANCEL),
        INTERNAL_SERVER_ERROR(Type.WAIT),
        ITEM_NOT_FOUND(Type.CANCEL),
        JID_MALFORMED(Type.MODIFY),
        NOT_ACCEPTABLE(Type.MODIFY),
        NOT_ALLOWED(Type.CANCEL),
        NOT_AUTHORIZED(Type.AUTH),
        POLICY_VIOLATION(Type.MODIFY),
        RECIPIENT_UNAVAILABLE(Type.WAIT),
        REDIRECT(Type.MODIFY),
        REGISTRATION_REQUIRED(Type.AUTH),
        REMOTE_SERVER_NOT_FOUND(Type.CANCEL),
        REMOTE_SERVER_TIMEOUT(Type.WAIT),
        RESOURCE_CONSTRAINT(Type.WAIT),
        SERVICE_UNAVAILABLE(Type.CANCEL),
        SUBSCRIPTION_REQUIRED(Type.AUTH),
        UNDEFINED_CONDITION(Type.CANCEL),
        UNEXPECTED_REQUEST(Type.WAIT);

        private final Type defaultType;
        private final String xml;

        Condition(Type defaultType) {
            this.defaultType = defaultType;
            this.xml = name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public Type defaultType() {
            return defaultType;
        }

        public String xml() {
            return xml;
        }

        public static Condition fromXml(String name) {
            for (Condition c : values()) {
                if (c.xml.equals(name)) {
                    return c;
                }
            }
            return UNDEFINED_CONDITION;
        }
    }

    public static StanzaError of(Condition condition) {
        return new StanzaError(condition, condition.defaultType(), null);
    }

    public static StanzaError of(Condition condition, String text) {
        return new StanzaError(condition, condition.defaultType(), text);
    }

    /** This error with an application-specific condition, such as XEP-0363's {@code <file-too-large/>}. */
    public StanzaError withApplication(Element condition) {
        return new StanzaError(this.condition, type, text, condition);
    }

    public Element toElement() {
        Element.Builder b = Element.build("error", Ns.CLIENT).attr("type", type.xml())
            .child(Element.of(condition.xml(), Ns.STANZAS));
        if (text != null) {
            b.child(Element.build("text", Ns.STANZAS).attr("xml:lang", "en").text(text).get());
        }
        return b.child(application).get();
    }

    /** The condition of an error stanza, if it carries one. */
    public static Condition conditionOf(Stanza stanza) {
        return stanza.child("error", Ns.CLIENT)
            .flatMap(e -> e.childIn(Ns.STANZAS).filter(c -> !c.name().equals("text")))
            .map(c -> Condition.fromXml(c.name()))
            .orElse(Condition.UNDEFINED_CONDITION);
    }
}
