package chorus.node.sasl;

import chorus.actors.account.Credentials;

/**
 * The server side of one authentication attempt with one mechanism: a state machine the session drives, one
 * instance per {@code <auth/>}. Every call returns what to do next; none blocks (PBKDF2 computes, see
 * {@link #hashesPasswords}). Not thread-safe: the session serializes the calls (one at a time, on its actor's or its
 * hashing pool's thread, never two at once). After a {@link SaslStep.Success} or {@link SaslStep.Failure} the instance is spent
 * and every further call throws {@link IllegalStateException}.
 */
public interface SaslMechanism {

    /** The mechanism name, as in {@code <auth mechanism='...'/>}. */
    String name();

    /** The client's {@code <auth/>} arrived; initialResponse is null when it carried none (RFC 6120 §6.4.2). */
    SaslStep start(byte[] initialResponse);

    /**
     * The client's {@code <response/>} arrived. A response the mechanism did not ask for (one that arrives while
     * credentials are being fetched) fails the attempt with malformed-request.
     */
    SaslStep respond(byte[] response);

    /** The credentials asked for by {@link SaslStep.NeedCredentials}. */
    SaslStep credentials(Credentials credentials);

    /** The account asked for by {@link SaslStep.NeedCredentials} does not exist. */
    SaslStep noSuchAccount();

    /**
     * Whether {@link #credentials} and {@link #noSuchAccount} derive keys from a password (PBKDF2, milliseconds of
     * CPU): then the session calls them on its password-hashing pool, never on an actor's thread.
     */
    default boolean hashesPasswords() {
        return false;
    }
}
