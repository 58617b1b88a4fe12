package chorus.actors.feature.last;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

import java.time.Instant;

/**
 * The user's last resource went offline (XEP-0012). Written as {@code chorus.actors.user.UserEntity$WentOffline}
 * before the feature had its own package; {@link WentOfflineMigration} reads those.
 */
public record WentOffline(Instant at) implements SliceEvent<LastSeen> {
    @Override
    public SliceKey<LastSeen> slice() {
        return LastSeen.KEY;
    }

    @Override
    public LastSeen applyTo(LastSeen before) {
        return new LastSeen(at);
    }
}
