package chorus.actors.muc;

import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.StanzaError;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A room's configuration (XEP-0045 §10.2): what its owners set through the muc#roomconfig form.
 * A room keeps an archive (XEP-0313) only when its owners turn {@code archiving} on
 * ({@code muc#roomconfig_enablearchiving}, the field Prosody's rooms use); its messages then expire like the users'
 * archives ({@code chorus.mam.retention}). The password is held here only in memory; a persistent room stores it
 * as a salted hash ({@link RoomSecret}).
 */
public record RoomConfig(String name, String description, boolean changeSubject, int maxUsers, boolean publicRoom,
                         boolean membersOnly, boolean moderated, boolean passwordProtected, String password,
                         boolean nonAnonymous, boolean allowInvites, boolean persistent,
                         boolean archiving) {

    public static final String FORM_TYPE = "http://jabber.org/protocol/muc#roomconfig";
    static final String NAME = "muc#roomconfig_roomname";
    static final String DESC = "muc#roomconfig_roomdesc";
    static final String CHANGE_SUBJECT = "muc#roomconfig_changesubject";
    static final String MAX_USERS = "muc#roomconfig_maxusers";
    static final String PUBLIC = "muc#roomconfig_publicroom";
    static final String MEMBERS_ONLY = "muc#roomconfig_membersonly";
    static final String MODERATED = "muc#roomconfig_moderatedroom";
    static final String PASSWORD_PROTECTED = "muc#roomconfig_passwordprotectedroom";
    static final String SECRET = "muc#roomconfig_roomsecret";
    static final String WHOIS = "muc#roomconfig_whois";
    static final String ALLOW_INVITES = "muc#roomconfig_allowinvites";
    static final String PERSISTENT = "muc#roomconfig_persistentroom";
    static final String ARCHIVING = "muc#roomconfig_enablearchiving";

    /** A new room: public, open, unmoderated, semi-anonymous, no password. */
    public static RoomConfig defaults(MucSettings settings) {
        return new RoomConfig("", "", false, settings.defaultMaxUsers(), true, false, false, false, "", false, false,
            false, false);
    }

    /** The form an owner fills out, showing the current values. */
    public Element form(MucSettings settings) {
        TreeSet<Integer> limits = new TreeSet<>(List.of(10, 20, 30, 50, 100, 200, 500, 1000));
        limits.removeIf(n -> n > settings.maxOccupants());
        limits.add(settings.maxOccupants());
        limits.add(maxUsers);
        return DataForm.build("form", FORM_TYPE)
            .title("Room configuration")
            .field(NAME, "text-single", "Name", name)
            .field(DESC, "text-single", "Description", description)
            .bool(CHANGE_SUBJECT, "Occupants may change the subject", changeSubject)
            .list(MAX_USERS, "Most occupants (owners and admins may join beyond it)", Integer.toString(maxUsers),
                limits.stream().map(String::valueOf).toList())
            .bool(PUBLIC, "List the room in the directory", publicRoom)
            .bool(MEMBERS_ONLY, "Only members may enter", membersOnly)
            .bool(MODERATED, "Only participants with voice may speak", moderated)
            .bool(PASSWORD_PROTECTED, "A password is needed to enter", passwordProtected)
            .field(SECRET, "text-private", "Password", password)
            .list(WHOIS, "Who may see occupants' real addresses", nonAnonymous ? "anyone" : "moderators",
                List.of("moderators", "anyone"))
            .bool(ALLOW_INVITES, "Occupants may invite others", allowInvites)
            .bool(PERSISTENT, "Keep the room when the last occupant leaves", persistent)
            .bool(ARCHIVING, "Keep an archive of the messages (XEP-0313)", archiving)
            .get();
    }

    /** This configuration with a submitted form's answers; fields left out keep their value. */
    public RoomConfig apply(Map<String, List<String>> answers, MucSettings settings) {
        return apply(answers, settings, false);
    }

    /**
     * As {@link #apply(Map, MucSettings)}; with {@code secretStored}, an empty password keeps the stored one
     * (after a restart the room knows its password only as a hash, and the form shows it empty).
     */
    public RoomConfig apply(Map<String, List<String>> answers, MucSettings settings, boolean secretStored) {
        String newName = text(answers, NAME, name, settings);
        String newDesc = text(answers, DESC, description, settings);
        boolean newChangeSubject = bool(answers, CHANGE_SUBJECT, changeSubject);
        int newMax = maxUsers;
        String max = first(answers, MAX_USERS);
        if (max != null) {
            try {
                newMax = "none".equals(max) ? settings.maxOccupants() : Integer.parseInt(max.strip());
            } catch (NumberFormatException e) {
                throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE, "maxusers must be a number");
            }
            if (newMax < 1 || newMax > settings.maxOccupants()) {
                throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE,
                    "maxusers must be between 1 and " + settings.maxOccupants());
            }
        }
        boolean newProtected = bool(answers, PASSWORD_PROTECTED, passwordProtected);
        String newSecret = text(answers, SECRET, password, settings);
        if (newProtected && newSecret.isEmpty() && !secretStored) {
            throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE, "a password-protected room needs a password");
        }
        String whois = first(answers, WHOIS);
        if (whois != null && !whois.equals("anyone") && !whois.equals("moderators")) {
            throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE, "whois must be anyone or moderators");
        }
        boolean newNonAnonymous = whois == null ? nonAnonymous : whois.equals("anyone");
        return new RoomConfig(newName, newDesc, newChangeSubject, newMax, bool(answers, PUBLIC, publicRoom),
            bool(answers, MEMBERS_ONLY, membersOnly), bool(answers, MODERATED, moderated), newProtected,
            newProtected ? newSecret : "", newNonAnonymous, bool(answers, ALLOW_INVITES, allowInvites),
            bool(answers, PERSISTENT, persistent), bool(answers, ARCHIVING, archiving));
    }

    /** This configuration without the password, as a persistent room stores it. */
    RoomConfig withoutPassword() {
        return new RoomConfig(name, description, changeSubject, maxUsers, publicRoom, membersOnly, moderated,
            passwordProtected, "", nonAnonymous, allowInvites, persistent, archiving);
    }

    private static String first(Map<String, List<String>> answers, String var) {
        List<String> vs = answers.get(var);
        return vs == null || vs.isEmpty() ? null : vs.get(0);
    }

    private static boolean bool(Map<String, List<String>> answers, String var, boolean current) {
        String v = first(answers, var);
        if (v == null) {
            return current;
        }
        if (!DataForm.isTrue(v) && !"0".equals(v) && !"false".equals(v)) {
            throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE, var + " must be a boolean");
        }
        return DataForm.isTrue(v);
    }

    private static String text(Map<String, List<String>> answers, String var, String current, MucSettings settings) {
        List<String> vs = answers.get(var);
        if (vs == null) {
            return current;
        }
        String v = vs.isEmpty() ? "" : vs.get(0);
        if (v.length() > settings.maxTextLength()) {
            throw new MucError(StanzaError.Condition.NOT_ACCEPTABLE,
                var + " is longer than " + settings.maxTextLength() + " characters");
        }
        return v;
    }
}
