package chorus.actors.feature.roster;

import com.typesafe.config.Config;

/**
 * Server-configured limits on rosters. RFC 6121 §2.3.3 leaves the name and group lengths to the server; the item
 * counts keep one account's state bounded, and {@code maxRequests} stops strangers from filling it with
 * subscription requests.
 */
public record RosterLimits(int maxItems, int maxRequests, int maxNameBytes, int maxGroupBytes, int maxGroups) {

    public static final RosterLimits DEFAULT = new RosterLimits(2000, 200, 1023, 1023, 64);

    public RosterLimits {
        if (maxItems < 1 || maxRequests < 0 || maxNameBytes < 1 || maxGroupBytes < 1 || maxGroups < 0) {
            throw new IllegalArgumentException("roster limits must be positive");
        }
    }

    /** Reads {@code chorus.roster.*}; a missing key keeps its default. */
    public static RosterLimits from(Config config) {
        return new RosterLimits(
            intOr(config, "chorus.roster.max-items", DEFAULT.maxItems),
            intOr(config, "chorus.roster.max-pending-requests", DEFAULT.maxRequests),
            intOr(config, "chorus.roster.max-name-bytes", DEFAULT.maxNameBytes),
            intOr(config, "chorus.roster.max-group-bytes", DEFAULT.maxGroupBytes),
            intOr(config, "chorus.roster.max-groups", DEFAULT.maxGroups));
    }

    private static int intOr(Config config, String path, int fallback) {
        return config.hasPath(path) ? config.getInt(path) : fallback;
    }
}
