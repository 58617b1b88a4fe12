package chorus.actors.feature.webpresence;

import chorus.actors.feature.AccountSlice;
import chorus.actors.feature.SliceKey;

/** Whether the user allows a badge of the account's availability on the web; off until the user turns it on. */
public record WebPresence(boolean shown) implements AccountSlice {
    public static final SliceKey<WebPresence> KEY = SliceKey.of("webpresence", WebPresence.class, new WebPresence(false));
}
