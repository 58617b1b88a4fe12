package chorus.node.sasl;

import chorus.actors.xmpp.BareJid;

import java.util.Objects;

/** What a {@link SaslMechanism} wants next from the session after each call. */
public sealed interface SaslStep {

    /**
     * Fetch this account's credentials, then call {@link SaslMechanism#credentials} with them, or
     * {@link SaslMechanism#noSuchAccount} if the account does not exist. Nothing goes to the client meanwhile.
     */
    record NeedCredentials(BareJid account) implements SaslStep {
        public NeedCredentials {
            Objects.requireNonNull(account, "account");
        }
    }

    /** Send {@code <challenge/>} with this data (empty: no character data) and wait for a response. */
    record Challenge(byte[] data) implements SaslStep {
        public Challenge {
            data = Objects.requireNonNull(data, "data").clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String toString() {
            return "Challenge[" + data.length + " bytes]";
        }
    }

    /**
     * The client authenticated as this account: send {@code <success/>} carrying the additional data (null when
     * there is none, RFC 6120 §6.3.10) and restart the stream.
     */
    record Success(byte[] additionalData, BareJid account) implements SaslStep {
        public Success {
            additionalData = additionalData == null ? null : additionalData.clone();
            Objects.requireNonNull(account, "account");
        }

        @Override
        public byte[] additionalData() {
            return additionalData == null ? null : additionalData.clone();
        }

        @Override
        public String toString() {
            return "Success[" + account + "]";
        }
    }

    /**
     * Send {@code <failure/>} with this condition and text (null for none); the attempt is over. The text never
     * says whether the account exists and never quotes what the client sent.
     */
    record Failure(SaslFailure condition, String text) implements SaslStep {
        public Failure {
            Objects.requireNonNull(condition, "condition");
        }
    }
}
