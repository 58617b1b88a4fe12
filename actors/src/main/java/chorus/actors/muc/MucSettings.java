package chorus.actors.muc;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the chat service, read once from {@code chorus.muc}.
 *
 * @param enabled         whether the domain offers a chat service at all
 * @param subdomain       the service's address is this label in front of the domain
 * @param maxOccupants    the most occupants any room holds, owners and admins included
 * @param defaultMaxUsers a new room's own limit (muc#roomconfig_maxusers), which owners and admins pass
 * @param history         how many of the last messages a room keeps in memory for those who join
 * @param maxAffiliations the most users a room's owner, admin, member and outcast lists hold together
 * @param maxTextLength   the longest room name, description, password or subject, in characters
 * @param idleTimeout     how long an empty room's entity stays in memory
 * @param localCreatorsOnly whether only accounts of this domain may create rooms
 * @param maxRoomsPerCreator rooms one account may have made and not yet ended (more: not-allowed)
 * @param maxRooms    rooms the whole service holds (more: resource-constraint)
 * @param userJoinsPerSecond rooms one occupant address may enter per second, on average (a burst of five
 *                    times that: a client entering its bookmarks); more get a resource-constraint presence error
 * @param roomJoinsPerSecond entries into one room per second, on average (a burst of twice that)
 * @param maxItemsPage the most rooms one page of the room list (disco#items, XEP-0059) holds
 */
public record MucSettings(boolean enabled, String subdomain, int maxOccupants, int defaultMaxUsers, int history,
                          int maxAffiliations, int maxTextLength, Duration idleTimeout, boolean localCreatorsOnly,
                          int maxRoomsPerCreator, int maxRooms, int userJoinsPerSecond, int roomJoinsPerSecond,
                          int maxItemsPage) {

    public MucSettings {
        if (maxRoomsPerCreator < 1 || maxRooms < 1 || userJoinsPerSecond < 1 || roomJoinsPerSecond < 1
            || maxItemsPage < 1) {
            throw new IllegalArgumentException("chorus.muc: max-rooms-per-creator, max-rooms, joins-per-second, "
                + "room-joins-per-second and max-items-page must be at least 1");
        }
        if (maxOccupants < 1 || defaultMaxUsers < 1 || defaultMaxUsers > maxOccupants) {
            throw new IllegalArgumentException(
                "chorus.muc: max-occupants must be at least 1 and default-max-users between 1 and max-occupants");
        }
        if (history < 0 || maxAffiliations < 1 || maxTextLength < 1) {
            throw new IllegalArgumentException(
                "chorus.muc: history must not be negative, max-affiliations and max-text-length at least 1");
        }
    }

    /** With the default limits on rooms and joins. */
    public MucSettings(boolean enabled, String subdomain, int maxOccupants, int defaultMaxUsers, int history,
                       int maxAffiliations, int maxTextLength, Duration idleTimeout, boolean localCreatorsOnly) {
        this(enabled, subdomain, maxOccupants, defaultMaxUsers, history, maxAffiliations, maxTextLength, idleTimeout,
            localCreatorsOnly, 20, 100_000, 5, 10, 100);
    }

    public static MucSettings from(Config config) {
        Config c = config.getConfig("chorus.muc");
        return new MucSettings(c.getBoolean("enabled"), c.getString("subdomain"), c.getInt("max-occupants"),
            c.getInt("default-max-users"), c.getInt("history"), c.getInt("max-affiliations"),
            c.getInt("max-text-length"), c.getDuration("idle-timeout"), c.getBoolean("local-creators-only"),
            c.getInt("max-rooms-per-creator"), c.getInt("max-rooms"), c.getInt("joins-per-second"),
            c.getInt("room-joins-per-second"), c.getInt("max-items-page"));
    }

    public static MucSettings defaults() {
        return new MucSettings(true, "conference", 1000, 200, 20, 2000, 1024, Duration.ofMinutes(2), true);
    }

    /** The same, with other limits on rooms and joins (tests). */
    public MucSettings withLimits(int roomsPerCreator, int rooms, int userJoins, int roomJoins, int itemsPage) {
        return new MucSettings(enabled, subdomain, maxOccupants, defaultMaxUsers, history, maxAffiliations,
            maxTextLength, idleTimeout, localCreatorsOnly, roomsPerCreator, rooms, userJoins, roomJoins, itemsPage);
    }

    /** The service's domain for this server's domain. */
    public String serviceDomain(String domain) {
        return subdomain + "." + domain;
    }
}
