package chorus.actors.feature.roster;

import java.util.Locale;

/**
 * The 'subscription' attribute of a roster item (RFC 6121 §2.1.2.5): who receives whose presence. TO means the
 * user receives the contact's presence, FROM means the contact receives the user's.
 */
public enum Subscription {
    NONE, TO, FROM, BOTH;

    public String xml() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The user is subscribed to the contact's presence. */
    public boolean hasTo() {
        return this == TO || this == BOTH;
    }

    /** The contact is subscribed to the user's presence. */
    public boolean hasFrom() {
        return this == FROM || this == BOTH;
    }

    public static Subscription of(boolean to, boolean from) {
        if (to) {
            return from ? BOTH : TO;
        }
        return from ? FROM : NONE;
    }

    /** The state named by an attribute value, or null for anything else (including "remove"). */
    public static Subscription parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s) {
            case "none": return NONE;
            case "to": return TO;
            case "from": return FROM;
            case "both": return BOTH;
            default: return null;
        }
    }
}
