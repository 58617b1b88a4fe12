package chorus.actors.muc;

import chorus.actors.ClusterMessage;

import java.util.Map;

/**
 * What a persistent room's journal holds. Each event carries the room's whole stored state, so
 * recovery needs only the last one; snapshots let the older events be deleted.
 */
public sealed interface RoomEvent extends ClusterMessage {

    /**
     * A persistent room as stored: its configuration without the password, the password's hash, the
     * affiliations (bare JID to affiliation), the subject with the nickname that set it, and who made the
     * room (null for a room stored before that was kept). No messages.
     */
    record Stored(RoomConfig config, RoomSecret secret, Map<String, String> affiliations, String subject,
                  String subjectBy, String creator) implements ClusterMessage {
        public Stored(RoomConfig config, RoomSecret secret, Map<String, String> affiliations, String subject,
                      String subjectBy) {
            this(config, secret, affiliations, subject, subjectBy, null);
        }
    }

    /** The room was saved after a change of configuration, affiliation or subject. */
    record Saved(Stored room) implements RoomEvent {
    }

    /** The room was destroyed, or became temporary and emptied: nothing of it is kept. */
    record Forgotten(long at) implements RoomEvent {
    }
}
