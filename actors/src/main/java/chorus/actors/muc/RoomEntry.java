package chorus.actors.muc;

import chorus.actors.ClusterMessage;

/**
 * A room of the service as every node knows it: who created it (counted against the per-creator cap) and,
 * when it is public and open, the name the room list shows (null otherwise).
 */
public record RoomEntry(String creator, String name) implements ClusterMessage {

    RoomEntry withName(String n) {
        return new RoomEntry(creator, n);
    }
}
