package chorus.actors.feature.push;

import chorus.actors.feature.SliceEvent;
import chorus.actors.feature.SliceKey;

/**
 * A client enabled push to an app server and node (XEP-0357 §5), replacing an earlier registration there; the
 * account keeps at most {@code max} registrations, dropping the oldest.
 */
public record PushEnabled(PushRegistration registration, int max) implements SliceEvent<PushRegistrations> {

    @Override
    public SliceKey<PushRegistrations> slice() {
        return PushRegistrations.KEY;
    }

    @Override
    public PushRegistrations applyTo(PushRegistrations before) {
        return before.with(registration, max);
    }

    @Override
    public String toString() {
        return "PushEnabled[" + registration + "]";
    }
}
