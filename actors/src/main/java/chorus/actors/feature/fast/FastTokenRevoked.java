package chorus.actors.feature.fast;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

import java.util.Objects;

/** A token is no longer accepted: its client asked (XEP-0484 §4.3, {@code invalidate}). */
public record FastTokenRevoked(byte[] key) implements SliceEvent<FastTokens> {
    public FastTokenRevoked {
        key = Objects.requireNonNull(key, "key").clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public SliceKey<FastTokens> slice() {
        return FastTokens.KEY;
    }

    @Override
    public FastTokens applyTo(FastTokens before) {
        return before.without(key);
    }

    @Override
    public String toString() {
        return "FastTokenRevoked";
    }
}
