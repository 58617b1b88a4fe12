package chorus.actors.feature;

/**
 * A persisted event of a feature: it changes that feature's slice of the account and nothing else. The user entity
 * applies it without knowing the feature ({@code slice.applyTo}); removing the account empties every slice.
 */
public interface SliceEvent<S extends AccountSlice> extends AccountEvent {

    /** The slice this event changes. */
    SliceKey<S> slice();

    /** The slice after this event. */
    S applyTo(S before);
}
