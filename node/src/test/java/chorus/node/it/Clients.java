package chorus.node.it;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;

/** Smack clients that trust the test node's self-signed certificate (and nothing else). */
public final class Clients {
    private Clients() {
    }

    public static SSLContext trusting(TestNode node) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustManager(node.endpoint())}, null);
        return ctx;
    }

    public static X509TrustManager trustManager(TestNode.Endpoint node) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(node.trustStore());
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    public static XMPPTCPConnectionConfiguration.Builder config(TestNode node, String user, String password)
        throws Exception {
        return config(node.endpoint(), user, password);
    }

    public static XMPPTCPConnectionConfiguration.Builder config(TestNode.Endpoint node, String user, String password)
        throws Exception {
        return XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain(TestNode.DOMAIN)
            .setHostAddress(InetAddress.getByName(node.host()))
            .setPort(node.c2sPort())
            .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
            .setCustomX509TrustManager(trustManager(node))
            .setUsernameAndPassword(user, password)
            .setConnectTimeout(10_000);
    }

    /** Connects and logs in with the given resource; the caller disconnects. */
    public static XMPPTCPConnection login(TestNode node, String user, String password, String resource)
        throws Exception {
        return login(node.endpoint(), user, password, resource);
    }

    public static XMPPTCPConnection login(TestNode.Endpoint node, String user, String password, String resource)
        throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(config(node, user, password).setResource(resource).build());
        c.setReplyTimeout(10_000);
        c.connect().login();
        return c;
    }
}
