package chorus.actors.feature.webpresence;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

/** The user turned the badge on or off. */
public record WebPresenceSet(boolean shown) implements SliceEvent<WebPresence> {
    @Override
    public SliceKey<WebPresence> slice() {
        return WebPresence.KEY;
    }

    @Override
    public WebPresence applyTo(WebPresence before) {
        return new WebPresence(shown);
    }
}
