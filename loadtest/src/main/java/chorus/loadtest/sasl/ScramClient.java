package chorus.loadtest.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The client of one SCRAM exchange without channel binding (RFC 5802 §5, gs2 header {@code n,,}):
 * client-first, then client-final with the proof, then the check of the server's signature.
 */
final class ScramClient implements SaslClient {
    private static final String GS2_HEADER = "n,,";

    private final ScramHash hash;
    private final String username;
    private final String password;
    private final String clientNonce;
    private final SaltedPasswordCache cache;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean serverVerified;

    ScramClient(ScramHash hash, String username, String password, String clientNonce, SaltedPasswordCache cache) {
        this.hash = hash;
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
        this.cache = cache;
        this.clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
    }

    @Override
    public String mechanism() {
        return hash == ScramHash.SHA_1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
    }

    @Override
    public byte[] initialResponse() {
        return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] respond(byte[] challenge) throws SaslException {
        String message = new String(challenge, StandardCharsets.UTF_8);
        if (expectedServerSignature != null) {
            // RFC 6120 §6.3.10: the server-final message may come as a challenge; the answer is empty.
            verifyServerFinal(message);
            return new byte[0];
        }
        return clientFinal(message);
    }

    private byte[] clientFinal(String serverFirst) throws SaslException {
        Map<Character, String> a = attributes(serverFirst);
        if (a.containsKey('m')) {
            throw new SaslException("the server requires an extension (m=) this client does not know");
        }
        String nonce = a.get('r');
        String salt = a.get('s');
        String i = a.get('i');
        if (nonce == null || salt == null || i == null) {
            throw new SaslException("server-first-message lacks r, s or i");
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            // RFC 5802 §5.1: the server's nonce must extend ours.
            throw new SaslException("the server's nonce does not extend the client's");
        }
        int iterations;
        byte[] saltBytes;
        try {
            iterations = Integer.parseInt(i);
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw new SaslException("bad salt or iteration count");
        }
        if (iterations < 1) {
            throw new SaslException("iteration count " + iterations);
        }
        byte[] salted = cache.saltedPassword(hash, username, password, saltBytes, iterations,
            () -> hash.hi(password.getBytes(StandardCharsets.UTF_8), saltBytes, iterations));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
            + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = hash.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] clientSignature = hash.hmac(hash.digest(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int k = 0; k < proof.length; k++) {
            proof[k] = (byte) (clientKey[k] ^ clientSignature[k]);
        }
        byte[] serverKey = hash.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        expectedServerSignature = hash.hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void verifySuccess(byte[] additionalData) throws SaslException {
        if (additionalData.length == 0) {
            if (!serverVerified) {
                throw new SaslException("the server did not send its signature");
            }
            return;
        }
        verifyServerFinal(new String(additionalData, StandardCharsets.UTF_8));
    }

    private void verifyServerFinal(String serverFinal) throws SaslException {
        if (expectedServerSignature == null) {
            throw new SaslException("server-final before client-final");
        }
        Map<Character, String> a = attributes(serverFinal);
        if (a.containsKey('e')) {
            throw new SaslException("server error: " + a.get('e'));
        }
        String v = a.get('v');
        if (v == null || !v.equals(Base64.getEncoder().encodeToString(expectedServerSignature))) {
            throw new SaslException("the server's signature is wrong: it does not know the password");
        }
        serverVerified = true;
    }

    /** RFC 5802 §5.1: '=' and ',' in a username are written =3D and =2C. */
    static String saslName(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    private static Map<Character, String> attributes(String message) throws SaslException {
        Map<Character, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new SaslException("malformed SCRAM message");
            }
            out.putIfAbsent(part.charAt(0), part.substring(2));
        }
        return out;
    }

    @Override
    public String toString() {
        return "ScramClient[" + mechanism() + " " + username + "]";
    }
}
