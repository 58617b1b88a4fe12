package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.account.ScramCredentials;
import chorus.actors.account.ScramHash;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;
import chorus.actors.xmpp.JidMalformedException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The server side of SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), and of their -PLUS variants with channel
 * binding (RFC 5802 §6, with the bindings of {@link ChannelBindings}).
 *
 * <pre>
 * start(client-first)   -> NeedCredentials(account)           the session fetches them
 * credentials(..)       -> Challenge(server-first)            r=nonce,s=salt,i=iterations
 * respond(client-final) -> Success(server-final, account)     v=ServerSignature
 *                       or Failure(not-authorized)            wrong proof
 * </pre>
 *
 * An account that does not exist goes through the same steps with {@link DecoyCredentials} and fails at the proof,
 * exactly like a wrong password.
 */
public final class ScramServer implements SaslMechanism {

    private static final Base64.Encoder B64 = Base64.getEncoder();

    private enum State { NEW, AWAITING_CLIENT_FIRST, AWAITING_CREDENTIALS, AWAITING_CLIENT_FINAL, DONE }

    private final ScramHash hash;
    private final DomainJid domain;
    private final DecoyCredentials decoys;
    private final Supplier<String> serverNonces;
    /** This is the -PLUS variant: the client must bind to one of {@code bindings}. */
    private final boolean plus;
    /** What this connection can bind to; a non-empty one means -PLUS was offered on it. */
    private final ChannelBindings bindings;
    /** The binding data the client must have put into c=, after the GS2 header (empty without binding). */
    private byte[] bindingData = new byte[0];

    private State state = State.NEW;
    private ScramMessages.ClientFirst clientFirst;
    private BareJid account;
    private ScramCredentials credentials;
    private boolean accountExists;
    private String nonce;
    private String serverFirst;
    /** XEP-0474: the mechanisms and channel-binding types this connection was shown, for the "h" attribute (null: none). */
    private final Ssdp ssdp;

    /**
     * @param serverNonces gives the server's part of each nonce: printable ASCII without "," (RFC 5802 §7);
     *                     random in production ({@link #randomNonces}), fixed in tests
     */
    ScramServer(ScramHash hash, DomainJid domain, DecoyCredentials decoys, Supplier<String> serverNonces) {
        this(hash, domain, decoys, serverNonces, false, ChannelBindings.NONE, null);
    }

    /**
     * @param plus     the -PLUS variant
     * @param bindings the connection's channel bindings when -PLUS was offered on it, else {@link ChannelBindings#NONE}
     */
    ScramServer(ScramHash hash, DomainJid domain, DecoyCredentials decoys, Supplier<String> serverNonces, boolean plus,
                ChannelBindings bindings) {
        this(hash, domain, decoys, serverNonces, plus, bindings, null);
    }

    /** @param ssdp what the client was shown, hashed into the server-first-message (XEP-0474); null for nothing */
    ScramServer(ScramHash hash, DomainJid domain, DecoyCredentials decoys, Supplier<String> serverNonces, boolean plus,
                ChannelBindings bindings, Ssdp ssdp) {
        this.ssdp = ssdp;
        this.hash = Objects.requireNonNull(hash, "hash");
        this.domain = Objects.requireNonNull(domain, "domain");
        this.decoys = Objects.requireNonNull(decoys, "decoys");
        this.serverNonces = Objects.requireNonNull(serverNonces, "serverNonces");
        this.plus = plus;
        this.bindings = Objects.requireNonNull(bindings, "bindings");
        if (plus && bindings.isEmpty()) {
            throw new IllegalArgumentException("-PLUS needs channel bindings");
        }
    }

    /** 18 random bytes in base64 per nonce: 144 bits, 24 printable characters, never a ",". */
    static Supplier<String> randomNonces(SecureRandom random) {
        return () -> {
            byte[] b = new byte[18];
            random.nextBytes(b);
            return B64.encodeToString(b);
        };
    }

    @Override
    public String name() {
        return plus ? hash.mechanism() + SaslMechanisms.PLUS : hash.mechanism();
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        expect(State.NEW);
        if (initialResponse == null) {
            // SCRAM is client-first: an empty challenge asks for the client-first-message (RFC 4422 §5).
            state = State.AWAITING_CLIENT_FIRST;
            return new SaslStep.Challenge(new byte[0]);
        }
        return onClientFirst(initialResponse);
    }

    @Override
    public SaslStep respond(byte[] response) {
        switch (state) {
            case AWAITING_CLIENT_FIRST:
                return onClientFirst(response);
            case AWAITING_CLIENT_FINAL:
                return onClientFinal(response);
            case AWAITING_CREDENTIALS:
                return fail(SaslFailure.MALFORMED_REQUEST, "response before challenge");
            default:
                throw new IllegalStateException(name() + " is " + state);
        }
    }

    @Override
    public SaslStep credentials(Credentials found) {
        expect(State.AWAITING_CREDENTIALS);
        if (found.scram(hash) == null) {
            // An imported account with the keys of the other hash only (see Credentials): this mechanism cannot
            // prove the password, so it fails at the proof as a wrong password does.
            return noSuchAccount();
        }
        credentials = found.scram(hash);
        accountExists = true;
        return serverFirst();
    }

    /**
     * RFC 5802 §5.1 lets a server end the exchange at once for an unknown user, but that would tell anyone who
     * tries a name whether it is an account, and Chorus never reveals which JIDs exist. So the exchange goes on
     * with a salt derived from the name and a server secret (the same on every attempt, as a real account's salt
     * would be) and fails at the proof with not-authorized, as a wrong password does.
     */
    @Override
    public SaslStep noSuchAccount() {
        expect(State.AWAITING_CREDENTIALS);
        credentials = decoys.scram(hash, account);
        accountExists = false;
        return serverFirst();
    }

    private SaslStep onClientFirst(byte[] message) {
        try {
            clientFirst = ScramMessages.parseClientFirst(message);
        } catch (ScramMessages.Refused e) {
            return fail(e.failure());
        }
        SaslStep.Failure binding = checkBinding();
        if (binding != null) {
            return fail(binding);
        }
        try {
            account = Identities.account(clientFirst.username(), domain);
        } catch (JidMalformedException e) {
            // No account can have this name, so refusing it at once reveals nothing.
            return fail(SaslFailure.NOT_AUTHORIZED, null);
        }
        if (!Identities.authzidPermits(clientFirst.authzid(), account)) {
            return fail(SaslFailure.INVALID_AUTHZID, null);
        }
        state = State.AWAITING_CREDENTIALS;
        return new SaslStep.NeedCredentials(account);
    }

    /**
     * RFC 5802 §6: a -PLUS mechanism needs "p=" with a binding this connection has; the plain one must not get "p=",
     * and must refuse "y" (the client could bind but believes the server cannot) when -PLUS was offered on this
     * connection: someone between them removed it from the list (a downgrade).
     */
    private SaslStep.Failure checkBinding() {
        char flag = clientFirst.flag();
        if (plus) {
            if (flag != 'p') {
                return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "-PLUS needs channel binding (p=)");
            }
            byte[] data = bindings.data(clientFirst.bindingType());
            if (data == null) {
                return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, "unsupported-channel-binding-type");
            }
            bindingData = data;
            return null;
        }
        if (flag == 'p') {
            return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "channel-binding-not-supported");
        }
        if (flag == 'y' && !bindings.isEmpty()) {
            return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, "server-does-support-channel-binding");
        }
        return null;
    }

    /**
     * server-first-message = nonce "," salt "," iteration-count ["," extensions] (RFC 5802 §7); the extension is
     * XEP-0474's "h": what the client was shown, signed by the proofs since it is part of the AuthMessage.
     */
    private SaslStep serverFirst() {
        String serverNonce = serverNonces.get();
        if (!ScramMessages.isPrintable(serverNonce)) {
            throw new IllegalStateException("server nonce is not printable");
        }
        nonce = clientFirst.clientNonce() + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(credentials.salt()) + ",i=" + credentials.iterations()
            + (ssdp == null ? "" : ",h=" + ssdp.hash(hash));
        state = State.AWAITING_CLIENT_FINAL;
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep onClientFinal(byte[] message) {
        ScramMessages.ClientFinal clientFinal;
        try {
            clientFinal = ScramMessages.parseClientFinal(message);
        } catch (ScramMessages.Refused e) {
            return fail(e.failure());
        }
        // RFC 5802 §5.1/§7: c= is the base64 of the GS2 header, sent back unchanged, followed by the channel binding
        // data when the client binds (-PLUS): a man in the middle's certificate gives other data, and this fails.
        byte[] header = clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8);
        byte[] expected = java.util.Arrays.copyOf(header, header.length + bindingData.length);
        System.arraycopy(bindingData, 0, expected, header.length, bindingData.length);
        if (!MessageDigest.isEqual(clientFinal.channelBinding(), expected)) {
            return fail(SaslFailure.NOT_AUTHORIZED, "channel-bindings-dont-match");
        }
        // RFC 5802 §5.1: r= must be the nonce of server-first-message, the client's part followed by ours.
        if (!clientFinal.nonce().equals(nonce)) {
            return fail(SaslFailure.NOT_AUTHORIZED, "other-error");
        }
        byte[] proof = clientFinal.proof();
        if (proof.length != hash.length()) {
            return fail(SaslFailure.NOT_AUTHORIZED, "invalid-proof");
        }
        // RFC 5802 §3: AuthMessage = client-first-message-bare "," server-first-message ","
        //              client-final-message-without-proof
        byte[] authMessage = (clientFirst.bare() + "," + serverFirst + "," + clientFinal.withoutProof())
                .getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credentials.storedKey();
        // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); it must hash to StoredKey.
        byte[] clientKey = hash.hmac(storedKey, authMessage);
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= proof[i];
        }
        boolean proofMatches = MessageDigest.isEqual(hash.hash(clientKey), storedKey);
        if (!proofMatches || !accountExists) {
            return fail(SaslFailure.NOT_AUTHORIZED, "invalid-proof");
        }
        // server-final-message = "v=" base64(ServerSignature), ServerSignature = HMAC(ServerKey, AuthMessage)
        String serverFinal = "v=" + B64.encodeToString(hash.hmac(credentials.serverKey(), authMessage));
        state = State.DONE;
        return new SaslStep.Success(serverFinal.getBytes(StandardCharsets.UTF_8), account);
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException(name() + " is " + state + ", not " + expected);
        }
    }

    private SaslStep fail(SaslFailure condition, String text) {
        return fail(new SaslStep.Failure(condition, text));
    }

    private SaslStep fail(SaslStep.Failure failure) {
        state = State.DONE;
        credentials = null;
        return failure;
    }

    @Override
    public String toString() {
        return "ScramServer[" + name() + ", " + state + "]";
    }
}
