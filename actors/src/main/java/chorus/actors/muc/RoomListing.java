package chorus.actors.muc;

import chorus.actors.xmpp.StanzaError;

/**
 * Where rooms tell the service what exists: a room made (by whom), listed as public or no longer, gone.
 * The service answers whether a new room may be made (the caps of {@link MucSettings}).
 */
public interface RoomListing {
    /** Nothing is counted or listed: for a room on its own (tests). */
    RoomListing NONE = new RoomListing() {
        @Override
        public void publish(String room, String name) {
        }

        @Override
        public void withdraw(String room) {
        }
    };

    void publish(String room, String name);

    void withdraw(String room);

    /** Null when this account may make this room now (it is then counted), else the error condition to answer. */
    default StanzaError.Condition refuseCreation(String creator, String room) {
        return null;
    }

    /** The room was made by this account (bare address). */
    default void created(String room, String creator) {
    }

    /** The room ended: it no longer counts. */
    default void gone(String room) {
    }
}
