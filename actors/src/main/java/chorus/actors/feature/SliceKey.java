package chorus.actors.feature;

import java.util.Objects;

/**
 * Names a feature's slice of the account and what it is before the feature stored anything. The name keys the
 * slice in the account's state and snapshots: it never changes once data was written under it.
 */
public record SliceKey<S extends AccountSlice>(String name, Class<S> type, S empty) {
    public SliceKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(empty, "empty");
    }

    public static <S extends AccountSlice> SliceKey<S> of(String name, Class<S> type, S empty) {
        return new SliceKey<>(name, type, empty);
    }
}
