package chorus.node.it;

import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.sasl.SASLMechanism;
import org.jivesoftware.smack.sasl.core.ScramSha1PlusMechanism;

import java.security.cert.X509Certificate;

/**
 * Smack's SCRAM-SHA-1-PLUS with {@code tls-server-end-point} computed as RFC 5929 §4.1 says, by the node's own
 * {@link chorus.node.sasl.ChannelBindings#serverEndPoint} (ChannelBindingTest checks that against a plain digest). Smack 4.4.8 (and
 * 4.5.0-beta5) names the hash after the certificate's public-key algorithm ("EC", "RSA") instead of its signature's
 * hash, so its own -PLUS fails on every certificate with NoSuchAlgorithmException (and Smack blacklists the
 * mechanism by default). Everything else of the exchange is Smack's.
 */
final class ServerEndPointScram extends ScramSha1PlusMechanism {

    /** Replaces Smack's registered SCRAM-SHA-1-PLUS with this one and takes it off the blacklist. */
    static void install() {
        SASLAuthentication.unregisterSASLMechanism(ScramSha1PlusMechanism.class.getName());
        SASLAuthentication.registerSASLMechanism(new ServerEndPointScram());
        SASLAuthentication.unBlacklistSASLMechanism(NAME);
    }

    /** Puts Smack's own back, blacklisted as it ships. */
    static void uninstall() {
        SASLAuthentication.unregisterSASLMechanism(ServerEndPointScram.class.getName());
        SASLAuthentication.registerSASLMechanism(new ScramSha1PlusMechanism());
        SASLAuthentication.blacklistSASLMechanism(NAME);
    }

    @Override
    protected byte[] getChannelBindingData() throws SmackException.SmackSaslException {
        try {
            X509Certificate cert = (X509Certificate) sslSession.getPeerCertificates()[0];
            return chorus.node.sasl.ChannelBindings.serverEndPoint(cert)
                .orElseThrow(() -> new IllegalStateException("no tls-server-end-point for " + cert.getSigAlgName()));
        } catch (Exception e) {
            throw new SmackException.SmackSaslException(e);
        }
    }

    @Override
    protected SASLMechanism newInstance() {
        return new ServerEndPointScram();
    }
}
