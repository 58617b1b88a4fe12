package chorus.actors.feature.roster;

import chorus.actors.xmpp.Jid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A user's roster: items by bare JID, in JID order, plus a revision that grows whenever a client would see a
 * change, for roster versioning (RFC 6121 §2.6). Immutable; every change returns a new Roster.
 *
 * <p>Hidden items (see {@link RosterItem}) are kept here too, so the subscription state machine finds them, but
 * {@link #list()} leaves them out and they never move the version.
 *
 * <p>Part of the persisted user state. The map is keyed by the JID's string form so it serializes plainly; no
 * method here starts with {@code get} or {@code is}.
 */
public record Roster(Map<String, RosterItem> items, long revision) {

    public Roster {
        TreeMap<String, RosterItem> byJid = new TreeMap<>();
        if (items != null) {
            for (RosterItem item : items.values()) {
                byJid.put(item.jid().toString(), item);
            }
        }
        items = Collections.unmodifiableMap(byJid);
    }

    public static Roster empty() {
        return new Roster(Map.of(), 0);
    }

    /** The item for this contact (looked up by its bare form), hidden or not. */
    public Optional<RosterItem> get(Jid jid) {
        return Optional.ofNullable(items.get(jid.bare().toString()));
    }

    /** Adds or replaces the item with the same JID. A hidden item that no longer tracks a request is dropped. */
    public Roster put(RosterItem item) {
        if (item.hidden() && !item.pendingIn()) {
            return remove(item.jid());
        }
        return with(item.jid(), item);
    }

    public Roster remove(Jid jid) {
        return with(jid.bare(), null);
    }

    /** Stores what a {@link RosterOutcome} decided for this contact: the new item, or none. */
    public Roster apply(Jid jid, Optional<RosterItem> item) {
        return item.map(this::put).orElseGet(() -> remove(jid));
    }

    /** The items clients see, in JID order. */
    public List<RosterItem> list() {
        List<RosterItem> out = new ArrayList<>(items.size());
        for (RosterItem item : items.values()) {
            if (!item.hidden()) {
                out.add(item);
            }
        }
        return out;
    }

    /** Contacts whose subscription request waits for the user's answer: redeliver them at login (§3.1.3). */
    public List<Jid> pendingIn() {
        List<Jid> out = new ArrayList<>();
        for (RosterItem item : items.values()) {
            if (item.pendingIn()) {
                out.add(item.jid());
            }
        }
        return out;
    }

    /** The 'ver' attribute value (§2.6): changes whenever a client would see a different roster. */
    public String version() {
        return Long.toString(revision);
    }

    /** How many items clients see: what {@link RosterLimits#maxItems()} counts. */
    public int size() {
        return items.size() - unlistedRequests();
    }

    /** How many hidden items track requests from people not in the roster ({@link RosterLimits#maxRequests()}). */
    public int unlistedRequests() {
        int n = 0;
        for (RosterItem item : items.values()) {
            if (item.hidden()) {
                n++;
            }
        }
        return n;
    }

    private Roster with(Jid jid, RosterItem item) {
        String key = jid.toString();
        RosterItem old = items.get(key);
        if (item == null ? old == null : item.equals(old)) {
            return this;
        }
        Map<String, RosterItem> next = new TreeMap<>(items);
        if (item == null) {
            next.remove(key);
        } else {
            next.put(key, item);
        }
        return new Roster(next, RosterItem.sameForClients(old, item) ? revision : revision + 1);
    }

    @Override
    public String toString() {
        return "Roster[" + items.size() + " items, ver " + revision + "]";
    }
}
