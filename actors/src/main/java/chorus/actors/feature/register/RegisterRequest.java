package chorus.actors.feature.register;

import chorus.actors.xmpp.StanzaError;

import java.util.Objects;

/** What an in-band registration set (XEP-0077 §3) asks for, read by {@link RegisterForm#parse}. */
public sealed interface RegisterRequest {

    /** Create the account {@code username@domain} (§3.1); {@code username} is the prepared localpart. */
    record Register(String username, String password) implements RegisterRequest {
        public Register {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** A password must never reach a log. */
        @Override
        public String toString() {
            return "Register[" + username + "]";
        }
    }

    /** Set a new password for the authenticated account (§3.3); {@code username} is its prepared localpart. */
    record ChangePassword(String username, String password) implements RegisterRequest {
        public ChangePassword {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        /** A password must never reach a log. */
        @Override
        public String toString() {
            return "ChangePassword[" + username + "]";
        }
    }

    /** Remove the authenticated account (§3.2). */
    record Remove() implements RegisterRequest {
    }

    /** The request is refused with this error; nothing is done. */
    record Invalid(StanzaError error) implements RegisterRequest {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }
}
