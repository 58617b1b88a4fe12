package chorus.node.sasl;

import chorus.actors.account.Credentials;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * SASL settings, read once from the configuration.
 *
 * @param mechanisms        the mechanisms to offer, most preferred first; a subset of {@link SaslMechanisms#ALL}
 * @param scramIterations   PBKDF2 iterations for new passwords, and the count shown for accounts that do not exist
 *                          (so they look like accounts whose password was set recently); at least 4096
 * @param unknownUserSecret a secret shared by every node of the cluster (at least 16 bytes) from which the fake
 *                          salts of accounts that do not exist are derived; see {@link DecoyCredentials}
 * @param channelBinding    offer the SCRAM -PLUS variants (RFC 5802 §6) on connections whose TLS has a channel binding
 *                          ({@code chorus.sasl.channel-binding})
 * @param downgradeProtection put XEP-0474's "h" into SCRAM's server-first-message
 *                          ({@code chorus.sasl.downgrade-protection})
 */
public record SaslSettings(List<String> mechanisms, int scramIterations, byte[] unknownUserSecret, boolean channelBinding,
                           boolean downgradeProtection) {

    public SaslSettings(List<String> mechanisms, int scramIterations, byte[] unknownUserSecret) {
        this(mechanisms, scramIterations, unknownUserSecret, true, true);
    }

    public SaslSettings(List<String> mechanisms, int scramIterations, byte[] unknownUserSecret, boolean channelBinding) {
        this(mechanisms, scramIterations, unknownUserSecret, channelBinding, true);
    }

    public SaslSettings {
        mechanisms = List.copyOf(mechanisms);
        for (String m : mechanisms) {
            if (!SaslMechanisms.ALL.contains(m)) {
                throw new IllegalArgumentException("unknown SASL mechanism " + m);
            }
        }
        if (scramIterations < Credentials.MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + Credentials.MIN_ITERATIONS + " iterations are required");
        }
        unknownUserSecret = Objects.requireNonNull(unknownUserSecret, "unknownUserSecret").clone();
        if (unknownUserSecret.length < 16) {
            throw new IllegalArgumentException("the unknown-user secret must have at least 16 bytes");
        }
    }

    /** Every mechanism, with this iteration count and secret. */
    public static SaslSettings allMechanisms(int scramIterations, byte[] unknownUserSecret) {
        return new SaslSettings(SaslMechanisms.ALL, scramIterations, unknownUserSecret);
    }

    /** The same, with channel binding offered or not. */
    public SaslSettings withChannelBinding(boolean on) {
        return new SaslSettings(mechanisms, scramIterations, unknownUserSecret, on, downgradeProtection);
    }

    /** The same, with XEP-0474's attribute sent or not. */
    public SaslSettings withDowngradeProtection(boolean on) {
        return new SaslSettings(mechanisms, scramIterations, unknownUserSecret, channelBinding, on);
    }

    @Override
    public byte[] unknownUserSecret() {
        return unknownUserSecret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslSettings s && mechanisms.equals(s.mechanisms) && scramIterations == s.scramIterations
                && Arrays.equals(unknownUserSecret, s.unknownUserSecret) && channelBinding == s.channelBinding
                && downgradeProtection == s.downgradeProtection;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanisms, scramIterations, Arrays.hashCode(unknownUserSecret), channelBinding, downgradeProtection);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "SaslSettings[" + mechanisms + ", i=" + scramIterations + (channelBinding ? ", -PLUS" : "")
            + (downgradeProtection ? ", SSDP" : "") + "]";
    }
}
