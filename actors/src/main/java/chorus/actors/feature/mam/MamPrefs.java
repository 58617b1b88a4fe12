package chorus.actors.feature.mam;

import chorus.actors.xmpp.Element;
import chorus.actors.xmpp.Jid;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * XEP-0441 archiving preferences: the default (always, never, roster) and the addresses always or never
 * archived. Addresses are kept as written (bare or full).
 */
public record MamPrefs(Mode mode, List<Jid> always, List<Jid> never) {

    public enum Mode {
        ALWAYS, NEVER, ROSTER;

        public String xml() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Null for anything else. */
        public static Mode parse(String s) {
            if (s == null) {
                return null;
            }
            switch (s) {
                case "always": return ALWAYS;
                case "never": return NEVER;
                case "roster": return ROSTER;
                default: return null;
            }
        }
    }

    public MamPrefs {
        always = List.copyOf(always);
        never = List.copyOf(never);
    }

    public static MamPrefs of(Mode mode) {
        return new MamPrefs(mode, List.of(), List.of());
    }

    /**
     * Whether a message exchanged with {@code other} is archived (XEP-0441 §4): the never list wins, then
     * the always list, then the default; {@code inRoster} answers the roster default.
     */
    public boolean archives(Jid other, boolean inRoster) {
        if (matches(never, other)) {
            return false;
        }
        if (matches(always, other)) {
            return true;
        }
        switch (mode) {
            case ALWAYS: return true;
            case ROSTER: return inRoster;
            default: return false;
        }
    }

    /** Whether any message could be archived under these preferences (a default other than never, or an always list). */
    public boolean archivesAny() {
        return mode != Mode.NEVER || !always.isEmpty();
    }

    private static boolean matches(List<Jid> list, Jid other) {
        for (Jid j : list) {
            if (j.equals(other) || j.equals(other.bare())) {
                return true;
            }
        }
        return false;
    }

    public Element toElement() {
        return Element.build("prefs", MamHandler.NS).attr("default", mode.xml())
            .child(list("always", always)).child(list("never", never)).get();
    }

    private static Element list(String name, List<Jid> jids) {
        Element.Builder b = Element.build(name, MamHandler.NS);
        for (Jid j : jids) {
            b.textChild("jid", MamHandler.NS, j.toString());
        }
        return b.get();
    }

    /** The preferences of a {@code <prefs/>} element; IllegalArgumentException when malformed. */
    public static MamPrefs parse(Element prefs) {
        Mode mode = Mode.parse(prefs.attr("default"));
        if (mode == null) {
            throw new IllegalArgumentException("default must be always, never or roster");
        }
        return new MamPrefs(mode, jids(prefs, "always"), jids(prefs, "never"));
    }

    private static List<Jid> jids(Element prefs, String name) {
        List<Jid> out = new ArrayList<>();
        for (Element list : prefs.elements(name, MamHandler.NS)) {
            for (Element j : list.elements("jid", MamHandler.NS)) {
                Jid jid = Jid.parseOrNull(j.text().trim());
                if (jid == null) {
                    throw new IllegalArgumentException("malformed address in " + name);
                }
                if (!out.contains(jid)) {
                    out.add(jid);
                }
            }
        }
        return out;
    }
}
