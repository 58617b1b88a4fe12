package chorus.actors.muc;

import chorus.actors.replicated.ReplicatedMap;
import org.apache.pekko.actor.typed.ActorSystem;

import java.util.Map;

/**
 * The public rooms of the service (XEP-0045 §6.3), room address to name, replicated to every node with
 * Pekko Distributed Data. Each node reads its own replica, so a room listed on one node shows on the
 * others within the replicator's gossip interval. Hidden and locked rooms are never listed.
 */
public final class RoomDirectory implements RoomListing {
    static final String KEY = "chorus-muc-public-rooms";

    private final ReplicatedMap rooms;

    private RoomDirectory(ActorSystem<?> system) {
        this.rooms = new ReplicatedMap(system, KEY);
    }

    public static RoomDirectory start(ActorSystem<?> system) {
        return new RoomDirectory(system);
    }

    /** The listed rooms, sorted by address. */
    public Map<String, String> publicRooms() {
        return rooms.view();
    }

    @Override
    public void publish(String room, String name) {
        rooms.put(room, name);
    }

    @Override
    public void withdraw(String room) {
        rooms.remove(room);
    }
}
