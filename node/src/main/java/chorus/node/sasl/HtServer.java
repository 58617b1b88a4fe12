package chorus.node.sasl;

import chorus.actors.account.Credentials;
import chorus.actors.xmpp.BareJid;
import chorus.actors.xmpp.DomainJid;

import java.util.Arrays;
import java.util.Objects;

/**
 * The server side of a Hashed Token mechanism (draft-schmaus-kitten-sasl-ht §3), as XEP-0484 FAST uses it:
 * HT-SHA-256-NONE; HT-SHA-256-EXPR bound to the connection's tls-exporter (RFC 9266, keying material of this very TLS
 * 1.3 session, which differs on each side of any man in the middle); and HT-SHA-256-ENDP bound to its
 * tls-server-end-point (RFC 5929 §4.1, the hash of the certificate this server presented, so a man in the middle with
 * another certificate cannot replay the proof).
 * The client's one message is {@code authcid NUL HMAC(token, "Initiator" || cb-data)}; the tokens
 * are the account's, kept by its entity (the session asks it with {@link #proof()}), and the answer to a good proof
 * is {@code HMAC(token, "Responder" || cb-data)} as additional data with the success ({@link #verdict}).
 */
public final class HtServer implements SaslMechanism {
    public static final String SHA_256_NONE = "HT-SHA-256-NONE";
    public static final String SHA_256_ENDP = "HT-SHA-256-ENDP";
    public static final String SHA_256_EXPR = "HT-SHA-256-EXPR";
    private static final int PROOF_LENGTH = 32;

    private final String name;
    private final DomainJid domain;
    private final byte[] cbData;
    private byte[] proof;
    private BareJid account;
    private boolean done;

    public HtServer(String name, DomainJid domain) {
        this(name, domain, ChannelBindings.NONE);
    }

    /**
     * @param bindings the connection's channel bindings: -EXPR needs tls-exporter among them, -ENDP
     *     tls-server-end-point
     */
    public HtServer(String name, DomainJid domain, ChannelBindings bindings) {
        this.name = name;
        this.domain = Objects.requireNonNull(domain, "domain");
        String type = bindingType(name);
        if (SHA_256_NONE.equals(name)) {
            cbData = new byte[0];
        } else if (type != null && bindings.data(type) != null) {
            cbData = bindings.data(type);
        } else {
            throw new IllegalArgumentException("no such HT mechanism here: " + name);
        }
    }

    /** The channel binding a bound HT mechanism covers, null for -NONE and unknown names. */
    private static String bindingType(String name) {
        if (SHA_256_EXPR.equals(name)) {
            return ChannelBindings.TLS_EXPORTER;
        }
        return SHA_256_ENDP.equals(name) ? ChannelBindings.TLS_SERVER_END_POINT : null;
    }

    /** The HT mechanisms a connection with these bindings offers, the bound ones first (the exporter's first). */
    public static java.util.List<String> offered(ChannelBindings bindings, boolean channelBinding) {
        java.util.List<String> offered = new java.util.ArrayList<>(3);
        if (channelBinding) {
            for (String bound : java.util.List.of(SHA_256_EXPR, SHA_256_ENDP)) {
                if (bindings.data(bindingType(bound)) != null) {
                    offered.add(bound);
                }
            }
        }
        offered.add(SHA_256_NONE);
        return java.util.List.copyOf(offered);
    }

    @Override
    public String name() {
        return name;
    }

    /** The channel-binding data the HMACs cover: none for -NONE. */
    public byte[] cbData() {
        return cbData.clone();
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        check();
        if (initialResponse == null) {
            done = true;
            // §3: the client speaks first; without an initial response there is nothing to check.
            return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "HT needs an initial response");
        }
        int nul = -1;
        for (int i = 0; i < initialResponse.length; i++) {
            if (initialResponse[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul <= 0 || initialResponse.length - nul - 1 != PROOF_LENGTH) {
            done = true;
            return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, null);
        }
        String authcid = SaslWire.utf8(Arrays.copyOf(initialResponse, nul));
        try {
            account = new BareJid(authcid, domain.domain());
        } catch (RuntimeException e) {
            done = true;
            return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null);
        }
        proof = Arrays.copyOfRange(initialResponse, nul + 1, initialResponse.length);
        return new SaslStep.NeedCredentials(account);
    }

    /** The client's proof, for the account's entity to check against its tokens. */
    public byte[] proof() {
        return proof.clone();
    }

    /** What the entity found: the responder HMAC of a good token (success), or none (not-authorized). */
    public SaslStep verdict(byte[] responder) {
        check();
        done = true;
        return responder == null ? new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, null)
            : new SaslStep.Success(responder, account);
    }

    @Override
    public SaslStep respond(byte[] response) {
        check();
        done = true;
        return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "HT has a single message");
    }

    @Override
    public SaslStep credentials(Credentials credentials) {
        throw new IllegalStateException("HT checks tokens, not passwords");
    }

    @Override
    public SaslStep noSuchAccount() {
        throw new IllegalStateException("HT checks tokens, not passwords");
    }

    private void check() {
        if (done) {
            throw new IllegalStateException("the attempt is over");
        }
    }
}
