package chorus.actors.feature.fast;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

/** A client was given a token (XEP-0484 §4), replacing its earlier one; the account keeps at most {@code max}. */
public record FastTokenIssued(FastToken token, int max) implements SliceEvent<FastTokens> {
    @Override
    public SliceKey<FastTokens> slice() {
        return FastTokens.KEY;
    }

    @Override
    public FastTokens applyTo(FastTokens before) {
        return before.with(token, max);
    }
}
