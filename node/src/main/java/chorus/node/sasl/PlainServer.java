package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.JidMalformedException;

import java.util.Objects;

/**
 * The server side of PLAIN (RFC 4616): the client sends authzid NUL authcid NUL passwd and the password is checked
 * against the stored SCRAM keys ({@link Credentials#verifyPlain}); no plaintext password is ever stored.
 *
 * <p>PLAIN sends the password itself, so it may only be offered and accepted inside TLS (RFC 4616 §6,
 * RFC 6120 §13.8). {@link SaslMechanisms} advertises and creates it only when the session says TLS is active;
 * the session must say so truthfully.
 *
 * <p>The password is held from the message until the credentials arrive, then dropped.
 */
public final class PlainServer implements SaslMechanism {
    /** The mechanism name. */
    public static final String NAME = "PLAIN";

    private enum State { NEW, AWAITING_RESPONSE, AWAITING_CREDENTIALS, DONE }

    private final DomainJid domain;
    private final DecoyCredentials decoys;

    private State state = State.NEW;
    private BareJid account;
    private String password;

    PlainServer(DomainJid domain, DecoyCredentials decoys) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.decoys = Objects.requireNonNull(decoys, "decoys");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** PLAIN checks the password with PBKDF2 against the stored keys (and against decoys for unknown names). */
    @Override
    public boolean hashesPasswords() {
        return true;
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        expect(State.NEW);
        if (initialResponse == null) {
            state = State.AWAITING_RESPONSE;
            return new SaslStep.Challenge(new byte[0]);
        }
        return onMessage(initialResponse);
    }

    @Override
    public SaslStep respond(byte[] response) {
        switch (state) {
            case AWAITING_RESPONSE:
                return onMessage(response);
            case AWAITING_CREDENTIALS:
                return fail(SaslFailure.MALFORMED_REQUEST, "response before challenge");
            default:
                throw new IllegalStateException(NAME + " is " + state);
        }
    }

    @Override
    public SaslStep credentials(Credentials credentials) {
        expect(State.AWAITING_CREDENTIALS);
        boolean matches = credentials.verifyPlain(password);
        password = null;
        if (!matches) {
            return fail(SaslFailure.NOT_AUTHORIZED, null);
        }
        state = State.DONE;
        return new SaslStep.Success(null, account);
    }

    /**
     * Refused like a wrong password, after the same PBKDF2 work against decoy credentials, so that neither the
     * answer nor its timing tells whether the account exists.
     */
    @Override
    public SaslStep noSuchAccount() {
        expect(State.AWAITING_CREDENTIALS);
        decoys.credentials(account).verifyPlain(password);
        password = null;
        return fail(SaslFailure.NOT_AUTHORIZED, null);
    }

    /** message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2). */
    private SaslStep onMessage(byte[] message) {
        String text = SaslWire.utf8(message);
        if (text == null) {
            return fail(SaslFailure.MALFORMED_REQUEST, null);
        }
        String[] parts = text.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            return fail(SaslFailure.MALFORMED_REQUEST, null);
        }
        try {
            account = Identities.account(parts[1], domain);
        } catch (JidMalformedException e) {
            return fail(SaslFailure.NOT_AUTHORIZED, null);
        }
        if (!Identities.authzidPermits(parts[0], account)) {
            return fail(SaslFailure.INVALID_AUTHZID, null);
        }
        password = parts[2];
        state = State.AWAITING_CREDENTIALS;
        return new SaslStep.NeedCredentials(account);
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException(NAME + " is " + state + ", not " + expected);
        }
    }

    private SaslStep fail(SaslFailure condition, String text) {
        state = State.DONE;
        password = null;
        return new SaslStep.Failure(condition, text);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "PlainServer[" + state + "]";
    }
}
