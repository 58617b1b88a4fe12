package chorus.actors.user;

import chorus.actors.feature.roster.RosterLimits;
import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the user entities, read once from {@code chorus.user} (and the roster's, {@code chorus.roster}).
 * Each account feature reads its own settings.
 *
 * @param idleTimeout   how long an entity without sessions stays in memory before it passivates
 * @param snapshotEvery events between snapshots of the account state (0: none)
 * @param rosterLimits  sizes a roster may reach
 * @param storeTimeout  how long to wait for the mailbox to store a message
 * @param erasedBeforeReuse a removed account's name is registered again only once its journal is erased (off where
 *                      journals are in memory and never erased)
 */
public record UserSettings(Duration idleTimeout, int snapshotEvery, RosterLimits rosterLimits, Duration storeTimeout,
                           boolean erasedBeforeReuse) {

    public UserSettings(Duration idleTimeout, int snapshotEvery, RosterLimits rosterLimits) {
        this(idleTimeout, snapshotEvery, rosterLimits, Duration.ofSeconds(10));
    }

    public UserSettings(Duration idleTimeout, int snapshotEvery, RosterLimits rosterLimits, Duration storeTimeout) {
        this(idleTimeout, snapshotEvery, rosterLimits, storeTimeout, false);
    }

    public static UserSettings from(Config config) {
        Config c = config.getConfig("chorus.user");
        return new UserSettings(c.getDuration("idle-timeout"), c.getInt("snapshot-every"), RosterLimits.from(config),
            c.getDuration("store-timeout"), c.getBoolean("erased-before-reuse"));
    }

    public static UserSettings defaults() {
        return new UserSettings(Duration.ofMinutes(2), 50, RosterLimits.DEFAULT);
    }
}
