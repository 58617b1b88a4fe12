package chorus.actors.muc;

import chorus.actors.cluster.WireSize;
import chorus.actors.xmpp.StanzaError;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The rooms of the service, split into {@link #PARTS} parts by a hash of the room's address (each part is one
 * replicated entry of {@link RoomDirectory}, and never grows past {@code partBudget} bytes, so that it always
 * fits one cluster frame). Counts the rooms of each creator and in all, and answers whether a new room may be
 * made; keeps the public rooms sorted for the room list. Plain Java, thread-safe.
 */
final class RoomRegistry {
    static final int PARTS = 128;
    /** What a replicated map adds per entry beyond its key and value (dots, timestamps), at most. */
    static final int ENTRY_OVERHEAD = 160;

    private final MucSettings settings;
    private final long partBudget;
    private final Map<Integer, Map<String, RoomEntry>> parts = new HashMap<>();
    private final Map<Integer, Long> partBytes = new HashMap<>();
    private final Map<String, Integer> byCreator = new HashMap<>();
    private final TreeMap<String, String> listed = new TreeMap<>();
    private int rooms;

    RoomRegistry(MucSettings settings, long partBudget) {
        this.settings = settings;
        this.partBudget = partBudget;
    }

    /** The part a room belongs to. */
    static int part(String room) {
        return Math.floorMod(room.hashCode() * 0x9E3779B9, PARTS);
    }

    static long bytes(String room, RoomEntry e) {
        return WireSize.of(room) + WireSize.of(e) + ENTRY_OVERHEAD;
    }

    /**
     * Null when {@code creator} may make this room now, else the error condition (XEP-0045 §10.1.1): not-allowed
     * past the rooms one account may create, resource-constraint past the service's rooms or a full part.
     */
    synchronized StanzaError.Condition refuse(String creator, String room) {
        if (byCreator.getOrDefault(creator, 0) >= settings.maxRoomsPerCreator()) {
            return StanzaError.Condition.NOT_ALLOWED;
        }
        if (rooms >= settings.maxRooms()) {
            return StanzaError.Condition.RESOURCE_CONSTRAINT;
        }
        int p = part(room);
        if (partBytes.getOrDefault(p, 0L) + bytes(room, new RoomEntry(creator, null)) > partBudget) {
            return StanzaError.Condition.RESOURCE_CONSTRAINT;
        }
        return null;
    }

    /**
     * Checks the caps and, when they allow it, counts the room at once (check and count in one step, so
     * that rooms made at the same moment on this node cannot pass a cap together). Null when made.
     */
    synchronized StanzaError.Condition reserve(String creator, String room) {
        StanzaError.Condition refused = refuse(creator, room);
        if (refused == null) {
            RoomEntry now = entry(room);
            put(room, new RoomEntry(creator, now == null ? null : now.name()));
        }
        return refused;
    }

    /** Whether a name for the room list still fits the room's part (a name that does not is not listed). */
    synchronized boolean fits(String room, RoomEntry next) {
        int p = part(room);
        RoomEntry now = parts.getOrDefault(p, Map.of()).get(room);
        long without = partBytes.getOrDefault(p, 0L) - (now == null ? 0 : bytes(room, now));
        return without + bytes(room, next) <= partBudget;
    }

    synchronized RoomEntry entry(String room) {
        return parts.getOrDefault(part(room), Map.of()).get(room);
    }

    /** One room changed here (null: gone): counted at once, before the replica confirms it. */
    synchronized void put(String room, RoomEntry e) {
        Map<String, RoomEntry> next = new HashMap<>(parts.getOrDefault(part(room), Map.of()));
        if (e == null) {
            next.remove(room);
        } else {
            next.put(room, e);
        }
        replace(part(room), next);
    }

    /** A part as the replica has it now. */
    synchronized void replace(int p, Map<String, RoomEntry> now) {
        Map<String, RoomEntry> before = parts.getOrDefault(p, Map.of());
        for (Map.Entry<String, RoomEntry> e : before.entrySet()) {
            count(e.getKey(), e.getValue(), -1);
        }
        long size = 0;
        for (Map.Entry<String, RoomEntry> e : now.entrySet()) {
            count(e.getKey(), e.getValue(), +1);
            size += bytes(e.getKey(), e.getValue());
        }
        parts.put(p, Map.copyOf(now));
        partBytes.put(p, size);
    }

    private void count(String room, RoomEntry e, int delta) {
        rooms += delta;
        if (e.creator() != null) {
            byCreator.merge(e.creator(), delta, (a, b) -> a + b == 0 ? null : a + b);
        }
        if (e.name() != null) {
            if (delta > 0) {
                listed.put(room, e.name());
            } else {
                listed.remove(room);
            }
        }
    }

    /** The public rooms, sorted by address, address to name. */
    synchronized NavigableMap<String, String> listed() {
        return Collections.unmodifiableNavigableMap(new TreeMap<>(listed));
    }

    synchronized int roomsOf(String creator) {
        return byCreator.getOrDefault(creator, 0);
    }

    synchronized int rooms() {
        return rooms;
    }
}
