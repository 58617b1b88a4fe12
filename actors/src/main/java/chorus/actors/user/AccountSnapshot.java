package chorus.actors.user;

import chorus.actors.ClusterMessage;
import chorus.actors.account.Credentials;
import chorus.actors.feature.roster.Roster;

import java.util.List;

/**
 * The written form of an {@link AccountState}: the core fields as they are, and each feature's slice as the bytes
 * its own serializer wrote, with what reads them back ({@code serializer}, {@code manifest}: a slice's class evolves
 * like an event's, through Jackson migrations). The snapshot names no feature.
 */
public record AccountSnapshot(Credentials credentials, Roster roster, List<StoredSlice> slices) implements ClusterMessage {

    public AccountSnapshot {
        slices = slices == null ? List.of() : List.copyOf(slices);
    }

    public record StoredSlice(String name, int serializer, String manifest, byte[] bytes) implements ClusterMessage {
        @Override
        public String toString() {
            return "StoredSlice[" + name + ", " + bytes.length + " bytes]";
        }
    }

    @Override
    public String toString() {
        return "AccountSnapshot[" + slices.size() + " slices]";
    }
}
