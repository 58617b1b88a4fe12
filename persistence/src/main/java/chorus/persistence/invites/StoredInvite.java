package chorus.persistence.invites;

import java.time.Instant;
import java.util.Objects;

/**
 * One open invitation as stored: the SHA-256 of its token (never the token), its kind, who made it (null for an
 * admin's account invite) and when it stops being valid.
 */
public record StoredInvite(String tokenHash, String kind, String inviter, Instant createdAt, Instant expiresAt) {
    public StoredInvite {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it may still be used at {@code now}. */
    public boolean validAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
