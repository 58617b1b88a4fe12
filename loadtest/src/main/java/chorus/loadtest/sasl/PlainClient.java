package chorus.loadtest.sasl;

import java.nio.charset.StandardCharsets;

/** RFC 4616 PLAIN: the empty authorization identity, the username and the password in one message. */
final class PlainClient implements SaslClient {
    private final String username;
    private final String password;

    PlainClient(String username, String password) {
        this.username = username;
        this.password = password;
    }

    @Override
    public String mechanism() {
        return Mechanism.PLAIN.saslName();
    }

    @Override
    public byte[] initialResponse() {
        return ("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] respond(byte[] challenge) throws SaslException {
        throw new SaslException("PLAIN has no challenges");
    }

    @Override
    public void verifySuccess(byte[] additionalData) {
        // PLAIN proves nothing about the server
    }

    @Override
    public String toString() {
        return "PlainClient[" + username + "]";
    }
}
