package chorus.actors.feature.fast;

import chorus.actors.ClusterMessage;
import chorus.actors.feature.AccountCommand;
import chorus.actors.feature.AccountContext;
import chorus.actors.feature.AccountData;
import chorus.actors.feature.AccountFeature;
import chorus.actors.feature.AccountHooks;
import chorus.actors.feature.Decision;
import chorus.actors.user.UserEntity;
import org.apache.pekko.actor.typed.ActorRef;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * XEP-0484 FAST tokens of every account. A session that authenticated a client asking for a token stores the
 * token's hash here ({@link Issue}); a later login with the token is checked here ({@link Verify}): the client's
 * HT proof (draft-schmaus-kitten-sasl-ht §3, HMAC of "Initiator" and the channel binding) against each of the
 * account's valid tokens of that mechanism, answered with the server's "Responder" HMAC. Tokens expire
 * ({@link FastSettings#lifetime}), are revoked at the client's request, kept to {@link FastSettings#maxPerAccount},
 * and go with the account (its slices are emptied when it is removed).
 */
public final class FastFeature implements AccountFeature {

    /** Keep this token (its SHA-256) for this client (a hash of its user-agent id) until {@code expires}. */
    public record Issue(byte[] key, String mechanism, String client, Instant issued, Instant expires,
                        ActorRef<Issued> replyTo) implements UserEntity.FeatureCommand {
        public Issue {
            key = Objects.requireNonNull(key, "key").clone();
        }

        @Override
        public String toString() {
            return "FastFeature.Issue[" + mechanism + "]";
        }
    }

    public record Issued(boolean kept) implements ClusterMessage {
    }

    /**
     * A login with a token: the client's proof for this mechanism and channel binding (empty for -NONE) at
     * {@code at}; with {@code invalidate}, the token is revoked once it proved itself (XEP-0484 §4.3).
     */
    public record Verify(String mechanism, byte[] proof, byte[] cbData, boolean invalidate, Instant at,
                         ActorRef<Verdict> replyTo) implements UserEntity.FeatureCommand {
        public Verify {
            proof = Objects.requireNonNull(proof, "proof").clone();
            cbData = cbData == null ? new byte[0] : cbData.clone();
        }

        @Override
        public String toString() {
            return "FastFeature.Verify[" + mechanism + "]";
        }
    }

    /** The token was good (responder: the server's proof to send back), or not (responder null). */
    public record Verdict(byte[] responder) implements ClusterMessage {
        public boolean ok() {
            return responder != null;
        }

        @Override
        public String toString() {
            return "FastFeature.Verdict[" + ok() + "]";
        }
    }

    private final FastSettings settings;

    public FastFeature(FastSettings settings) {
        this.settings = settings;
    }

    @Override
    public AccountHooks start(AccountContext ctx) {
        return new AccountHooks() {
            @Override
            public Decision command(AccountCommand command, AccountData data) {
                if (command instanceof Issue i) {
                    FastToken t = new FastToken(i.key(), i.mechanism(), i.client(), i.issued(), i.expires());
                    return Decision.persist(List.of(new FastTokenIssued(t, settings.maxPerAccount())),
                        d -> i.replyTo().tell(new Issued(true)));
                }
                if (command instanceof Verify v) {
                    return verify(v, data.slice(FastTokens.KEY));
                }
                return null;
            }
        };
    }

    private static Decision verify(Verify v, FastTokens tokens) {
        for (FastToken t : tokens.valid(v.mechanism(), v.at())) {
            if (MessageDigest.isEqual(hmac(t.key(), "Initiator", v.cbData()), v.proof())) {
                byte[] responder = hmac(t.key(), "Responder", v.cbData());
                List<FastTokenRevoked> revoke = v.invalidate() ? List.of(new FastTokenRevoked(t.key())) : List.of();
                return Decision.persist(revoke, d -> v.replyTo().tell(new Verdict(responder)));
            }
        }
        return Decision.then(d -> v.replyTo().tell(new Verdict(null)));
    }

    /** draft-schmaus-kitten-sasl-ht §3: HMAC-SHA-256 keyed with the token (here, per RFC 2104 §2, its hash). */
    static byte[] hmac(byte[] key, String label, byte[] cbData) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            mac.update(cbData);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "FastFeature";
    }
}
