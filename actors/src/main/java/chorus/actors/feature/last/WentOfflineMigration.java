package chorus.actors.feature.last;

import chorus.actors.RenameMigration;

/**
 * Reads {@link WentOffline} events journaled under their first class name,
 * {@code chorus.actors.user.UserEntity$WentOffline} (see {@code pekko.serialization.jackson.migrations}).
 */
public final class WentOfflineMigration extends RenameMigration {
    public WentOfflineMigration() {
        super(WentOffline.class);
    }
}
