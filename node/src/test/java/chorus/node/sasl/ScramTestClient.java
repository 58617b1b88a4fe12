package chorus.node.sasl;

import chorus.actors.account.ScramHash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** The client side of SCRAM (RFC 5802 §3), written for the tests: builds the client messages from a password. */
public final class ScramTestClient {
    private final ScramHash hash;
    private final String gs2Header;
    private final String bare;
    private final String clientNonce;
    private final String password;
    private String authMessage;
    private byte[] saltedPassword;

    /** username is sent as given: escape it yourself to test escaping. */
    public ScramTestClient(ScramHash hash, String gs2Header, String username, String clientNonce, String password) {
        this.hash = hash;
        this.gs2Header = gs2Header;
        this.bare = "n=" + username + ",r=" + clientNonce;
        this.clientNonce = clientNonce;
        this.password = password;
    }

    ScramTestClient(ScramHash hash, String username, String password) {
        this(hash, "n,,", username, "cl1ent-n0nce+" + System.nanoTime(), password);
    }

    public byte[] clientFirst() {
        return (gs2Header + bare).getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final-message answering server-first-message. */
    byte[] clientFinal(byte[] serverFirst) {
        return clientFinal(serverFirst, gs2Header, null);
    }

    /**
     * A client-final-message with a correct proof over what it sends, but with c= made from cbindHeader and, if
     * nonce is not null, another nonce than the server's: what an attacker in the middle could send.
     */
    byte[] clientFinal(byte[] serverFirstBytes, String cbindHeader, String nonce) {
        return clientFinal(serverFirstBytes, bytes(cbindHeader), nonce);
    }

    /** The client-final-message of a client that binds to the channel: c= is its GS2 header followed by {@code data}. */
    public byte[] clientFinalBound(byte[] serverFirst, byte[] data) {
        byte[] header = bytes(gs2Header);
        byte[] cbind = java.util.Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, cbind, header.length, data.length);
        return clientFinal(serverFirst, cbind, null);
    }

    private byte[] clientFinal(byte[] serverFirstBytes, byte[] cbind, String nonce) {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String[] attrs = serverFirst.split(",");
        String serverNonce = attrs[0].substring(2);
        if (!attrs[0].startsWith("r=") || !serverNonce.startsWith(clientNonce)) {
            throw new AssertionError("server nonce does not extend the client nonce: " + serverFirst);
        }
        byte[] salt = Base64.getDecoder().decode(attrs[1].substring(2));
        int iterations = Integer.parseInt(attrs[2].substring(2));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind)
                + ",r=" + (nonce == null ? serverNonce : nonce);
        authMessage = bare + "," + serverFirst + "," + withoutProof;
        saltedPassword = hash.saltedPassword(password, salt, iterations);
        byte[] clientKey = hash.hmac(saltedPassword, bytes("Client Key"));
        byte[] signature = hash.hmac(hash.hash(clientKey), bytes(authMessage));
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= signature[i];
        }
        return bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    /** True if server-final-message carries the ServerSignature only a server holding ServerKey can compute. */
    public boolean verifiesServerFinal(byte[] serverFinal) {
        byte[] serverKey = hash.hmac(saltedPassword, bytes("Server Key"));
        byte[] expected = bytes("v=" + Base64.getEncoder().encodeToString(hash.hmac(serverKey, bytes(authMessage))));
        return MessageDigest.isEqual(expected, serverFinal);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
