package chorus.actors.feature.webpresence;

import chorus.actors.feature.Resource;
import chorus.actors.xmpp.FullJid;
import chorus.actors.xmpp.Ns;
import chorus.actors.xmpp.Presence;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a badge shows: the availability of the account's most available resource (RFC 6121 §4.7.2.1 'show'),
 * never its status text, resources or anything else.
 */
public enum Availability {
    CHAT, ONLINE, AWAY, XA, DND, OFFLINE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Availability parse(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** Of one available presence. */
    static Availability of(Presence p) {
        String show = p.child("show", Ns.CLIENT).map(e -> e.text().strip()).orElse("");
        switch (show) {
            case "chat": return CHAT;
            case "away": return AWAY;
            case "xa": return XA;
            case "dnd": return DND;
            default: return ONLINE;
        }
    }

    /**
     * Of the account: its available resources, with {@code changed} now having presence {@code now} (null: it just
     * left), the one of highest priority deciding, the more available one among equals. The hooks run before the
     * entity records the change, so the changed resource's presence is the one given here, not its recorded one.
     */
    static Availability of(Collection<? extends Resource> resources, FullJid changed, Presence now) {
        Stream<Presence> others = resources.stream()
            .filter(r -> r.available() && r.presence() != null && !r.jid().equals(changed))
            .map(Resource::presence);
        return Stream.concat(others, Stream.ofNullable(now))
            .max(Comparator.<Presence>comparingInt(Presence::priority).thenComparing(p -> -of(p).ordinal()))
            .map(Availability::of)
            .orElse(OFFLINE);
    }
}
