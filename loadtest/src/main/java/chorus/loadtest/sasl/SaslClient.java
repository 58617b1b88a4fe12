package chorus.loadtest.sasl;

/** One SASL exchange from the client's side (RFC 4422 §3): an initial response, answers to challenges, the server's last word. */
public interface SaslClient {
    /** The mechanism's name as the server lists it. */
    String mechanism();

    /** The initial response sent with {@code <auth/>}. */
    byte[] initialResponse();

    /** The answer to a challenge. */
    byte[] respond(byte[] challenge) throws SaslException;

    /** Checks the additional data of {@code <success/>} (SCRAM's server signature); empty for none. */
    void verifySuccess(byte[] additionalData) throws SaslException;
}
