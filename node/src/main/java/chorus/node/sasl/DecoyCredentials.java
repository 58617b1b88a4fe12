package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.BareJid;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Credentials that stand in for an account that does not exist, so that a login attempt cannot tell a missing
 * account from a wrong password (the privacy promise: JIDs are never published, not even one at a time).
 *
 * <p>Everything is derived from the account name and a server secret: the same name gets the same salt on every
 * attempt and on every node (a fresh random salt per attempt would give the game away), and nobody without the
 * secret can compute it. The iteration count is the one new passwords get. The keys are derived the same way and
 * never match a proof; the mechanisms also refuse the attempt explicitly, whatever the comparison says.
 */
final class DecoyCredentials {
    private final byte[] secret;
    private final int iterations;

    DecoyCredentials(byte[] secret, int iterations) {
        this.secret = secret.clone();
        this.iterations = iterations;
    }

    ScramCredentials scram(ScramHash hash, BareJid account) {
        return new ScramCredentials(hash,
                derive("salt", hash, account, Credentials.SALT_BYTES),
                iterations,
                derive("stored-key", hash, account, hash.length()),
                derive("server-key", hash, account, hash.length()));
    }

    Credentials credentials(BareJid account) {
        return new Credentials(scram(ScramHash.SHA_1, account), scram(ScramHash.SHA_256, account));
    }

    /** HMAC-SHA-256(secret, label NUL mechanism NUL account), cut to length (at most 32 bytes). */
    private byte[] derive(String label, ScramHash hash, BareJid account, int length) {
        String input = label + '\0' + hash.mechanism() + '\0' + account;
        return Arrays.copyOf(ScramHash.SHA_256.hmac(secret, input.getBytes(StandardCharsets.UTF_8)), length);
    }

    @Override
    public String toString() {
        return "DecoyCredentials[i=" + iterations + "]";
    }
}
