package chorus.actors.muc;

/** Where rooms announce that they are listed as public, or no longer (the service's disco#items). */
public interface RoomListing {
    void publish(String room, String name);

    void withdraw(String room);
}
