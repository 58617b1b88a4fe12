package chorus.actors.feature.extdisco;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

/**
 * The secret a TURN server shares with this server (coturn's {@code static-auth-secret} with {@code use-auth-secret}).
 * It signs credentials and is never shown: {@link #toString()} prints no part of it, and nothing else reads it.
 *
 * <p>The TURN REST API convention (draft-uberti-behave-turn-rest-00 §2.2, as coturn implements it): the username is
 * {@code EXPIRY:USER} with EXPIRY the Unix time (seconds) at which it stops being accepted, and the password is
 * {@code base64(HMAC-SHA1(secret, username))}. The TURN server recomputes the password from the username and refuses
 * it after EXPIRY; no state is shared beyond the secret.
 */
public final class TurnSecret {
    /** Shorter secrets are refused at start: the password is only as strong as the secret. */
    public static final int MIN_LENGTH = 16;
    private static final String HMAC = "HmacSHA1";

    private final SecretKeySpec key;

    public TurnSecret(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("a TURN secret must have at least " + MIN_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    /** Credentials for {@code user} that the TURN server accepts until {@code expires} (to the second). */
    public TurnCredentials credentials(String user, Instant expires) {
        String username = expires.getEpochSecond() + ":" + user;
        return new TurnCredentials(username, password(username), Instant.ofEpochSecond(expires.getEpochSecond()));
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it for use-auth-secret. */
    String password(String username) {
        return Base64.getEncoder().encodeToString(mac().doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A stable pseudonym of an account for the TURN username, so that the TURN server's logs do not hold the account's
     * address: the first 96 bits of HMAC-SHA1(secret, "user:" + address), base64url. An admin who knows the secret can
     * compute it for an address to find that account's relays.
     */
    public String pseudonym(String account) {
        byte[] mac = mac().doFinal(("user:" + account).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(mac, 12));
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "TurnSecret[hidden]";
    }
}
