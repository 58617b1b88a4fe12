package chorus.node.it;

import chorus.node.tls.TestCa;
import chorus.node.tls.TlsIdentity;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A man in the middle of STARTTLS (RFC 6120 §5), for tests: it passes the stream through in the clear up to the
 * client's {@code <starttls/>} and the server's {@code <proceed/>}, then does TLS with the client under its own
 * certificate and TLS with the server as a client, and passes what each side says on to the other, decrypted and
 * encrypted again. A client that trusts the interceptor's certificate does not notice it, unless it binds its login
 * to the channel (SCRAM -PLUS).
 */
final class TlsInterceptor implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress server;
    private final SSLContext asServer;
    private final SSLContext asClient;
    final AtomicInteger intercepted = new AtomicInteger();

    /**
     * @param asServer the TLS the client sees (the interceptor's certificate)
     * @param asClient the TLS towards the real server (trusting it)
     */
    TlsInterceptor(String bind, InetSocketAddress server, SSLContext asServer, SSLContext asClient) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(bind));
        this.server = server;
        this.asServer = asServer;
        this.asClient = asClient;
        Thread t = new Thread(this::accept, "tls-interceptor");
        t.setDaemon(true);
        t.start();
    }

    /**
     * An interceptor in front of {@code node}'s c2s port that shows clients a certificate for the node's domain issued
     * by {@code ca} (a CA a client may wrongly trust) and trusts the node towards it.
     */
    static TlsInterceptor forging(TestNode node, TestCa ca) throws Exception {
        TlsIdentity forged = ca.issue(TestCa.Names.dns(TestNode.DOMAIN));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("forged", forged.key(), new char[0], forged.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext asServer = SSLContext.getInstance("TLS");
        asServer.init(kmf.getKeyManagers(), null, null);
        return new TlsInterceptor("127.0.0.1", new InetSocketAddress("127.0.0.1", node.c2sPort()), asServer,
            Clients.trusting(node));
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> intercept(client), "tls-interceptor-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void intercept(Socket client) {
        try (client; Socket upstream = new Socket(server.getAddress(), server.getPort())) {
            // In the clear: the client's side up to its <starttls/>, the server's up to its <proceed/>.
            Thread toServer = relayUntil(client.getInputStream(), upstream.getOutputStream(), "<starttls");
            Thread toClient = relayUntil(upstream.getInputStream(), client.getOutputStream(), "<proceed");
            toServer.join();
            toClient.join();
            SSLSocket up = (SSLSocket) asClient.getSocketFactory().createSocket(upstream, server.getHostString(),
                server.getPort(), false);
            up.setUseClientMode(true);
            up.startHandshake();
            SSLSocket down = (SSLSocket) asServer.getSocketFactory().createSocket(client, null, client.getPort(), false);
            down.setUseClientMode(false);
            down.startHandshake();
            intercepted.incrementAndGet();
            Thread a = pipe(down.getInputStream(), up.getOutputStream());
            Thread b = pipe(up.getInputStream(), down.getOutputStream());
            a.join();
            b.join();
        } catch (IOException | InterruptedException e) {
            // the connection ended
        }
    }

    /** Copies in the clear until a chunk containing {@code marker} went through, then stops reading. */
    private static Thread relayUntil(InputStream in, OutputStream out, String marker) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            StringBuilder seen = new StringBuilder();
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (seen.indexOf(marker) >= 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the connection ended
            }
        }, "tls-interceptor-clear");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Thread pipe(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(out);
            } catch (IOException e) {
                // the connection ended
            } finally {
                try {
                    out.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "tls-interceptor-pipe");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
