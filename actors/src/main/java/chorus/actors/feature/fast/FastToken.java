package chorus.actors.feature.fast;

import java.time.Instant;
import java.util.Objects;

/**
 * One FAST token of an account, as stored: never the token itself. {@code key} is SHA-256 of the token; tokens are
 * longer than HMAC-SHA-256's block, so by RFC 2104 §2 the HMAC keyed with the token is the HMAC keyed with its hash,
 * and the hash is all a login needs (draft-schmaus-kitten-sasl-ht §4). {@code client} is a hash of the client's
 * user-agent id (XEP-0484 §4: one token per client), so the id itself is not kept either.
 */
public record FastToken(byte[] key, String mechanism, String client, Instant issued, Instant expires) {
    public FastToken {
        key = Objects.requireNonNull(key, "key").clone();
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(client, "client");
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(expires);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "FastToken[" + mechanism + " until " + expires + "]";
    }
}
