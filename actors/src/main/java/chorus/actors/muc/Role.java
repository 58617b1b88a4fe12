package chorus.actors.muc;

import java.util.Locale;

/** XEP-0045 §5.1: an occupant's privileges for this visit; none means not in the room. */
public enum Role {
    NONE, VISITOR, PARTICIPANT, MODERATOR;

    public String xml() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named in XML, or null. */
    public static Role parse(String s) {
        if (s == null) {
            return null;
        }
        for (Role r : values()) {
            if (r.xml().equals(s)) {
                return r;
            }
        }
        return null;
    }
}
