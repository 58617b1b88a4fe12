package chorus.node.it;

import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.sasl.SASLMechanism;
import org.jivesoftware.smack.sasl.core.ScramSha1PlusMechanism;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Smack's SCRAM-SHA-1-PLUS with {@code tls-server-end-point} computed as RFC 5929 §4.1 says. Smack 4.4.8 (and
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
            String alg = cert.getSigAlgName().toUpperCase(Locale.ROOT);
            String hash = alg.startsWith("SHA384") ? "SHA-384" : alg.startsWith("SHA512") ? "SHA-512" : "SHA-256";
            return MessageDigest.getInstance(hash).digest(cert.getEncoded());
        } catch (Exception e) {
            throw new SmackException.SmackSaslException(e);
        }
    }

    @Override
    protected SASLMechanism newInstance() {
        return new ServerEndPointScram();
    }
}
