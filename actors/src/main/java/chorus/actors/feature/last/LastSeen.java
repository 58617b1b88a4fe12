package chorus.actors.feature.last;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;

import java.time.Instant;

/** When the account's last resource went offline (XEP-0012), or null if never since it was created. */
public record LastSeen(Instant at) implements AccountSlice {
    public static final SliceKey<LastSeen> KEY = SliceKey.of("last", LastSeen.class, new LastSeen(null));
}
