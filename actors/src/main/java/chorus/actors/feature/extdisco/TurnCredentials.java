package chorus.actors.feature.extdisco;

import java.time.Instant;

/** A username and password a TURN server accepts until {@code expires}; {@link #toString()} leaves the password out. */
public record TurnCredentials(String username, String password, Instant expires) {
    @Override
    public String toString() {
        return "TurnCredentials[username=" + username + ", expires=" + expires + "]";
    }
}
