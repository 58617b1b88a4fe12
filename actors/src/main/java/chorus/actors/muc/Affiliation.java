package chorus.actors.muc;

import java.util.Locale;

/** XEP-0045 §5.2: a user's long-lived standing in a room, by bare JID; higher rank, more privilege. */
public enum Affiliation {
    OUTCAST(0), NONE(1), MEMBER(2), ADMIN(3), OWNER(4);

    private final int rank;

    Affiliation(int rank) {
        this.rank = rank;
    }

    public boolean atLeast(Affiliation other) {
        return rank >= other.rank;
    }

    public String xml() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The affiliation named in XML, or null. */
    public static Affiliation parse(String s) {
        if (s == null) {
            return null;
        }
        for (Affiliation a : values()) {
            if (a.xml().equals(s)) {
                return a;
            }
        }
        return null;
    }
}
