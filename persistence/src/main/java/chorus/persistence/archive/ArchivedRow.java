package chorus.persistence.archive;

import java.time.Instant;

/**
 * One archived message of one account: its archive id (time-ordered, unique per account), when it was
 * archived, the other party's address and the message itself, serialized by the caller.
 */
public record ArchivedRow(String owner, long id, Instant at, String with, byte[] message) {
    /** The message holds a body: print nothing of it. */
    @Override
    public String toString() {
        return "ArchivedRow[" + owner + " #" + id + "]";
    }
}
