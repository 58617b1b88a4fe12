package chorus.node.it;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A client that writes raw bytes and reads raw XML: for the inputs no well-behaved client library
 * would send.
 */
public final class RawClient implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final StringBuilder received = new StringBuilder();
    private int consumed;

    private RawClient(Socket socket) throws IOException {
        use(socket);
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    public static RawClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** From this local address (e.g. 127.0.0.7), as a client at that address would connect. */
    public static RawClient connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(200);
        return new RawClient(s);
    }

    /** Direct TLS (XEP-0368) from this local address. */
    public static RawClient connectTlsFrom(String localAddress, int port, SSLContext ctx) throws IOException {
        RawClient c = connectFrom(localAddress, port);
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(c.socket, "127.0.0.1", port, true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(15_000);
        tls.startHandshake();
        tls.setSoTimeout(200);
        c.use(tls);
        return c;
    }

    /** With a small receive buffer (bytes, 0: the system's), so that what the client does not read backs up at the server. */
    public static RawClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(200);
        return new RawClient(s);
    }

    public static String header(String domain) {
        return "<?xml version='1.0'?><stream:stream to='" + domain + "' version='1.0' xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams'>";
    }

    public RawClient send(String xml) throws IOException {
        return send(xml.getBytes(StandardCharsets.UTF_8));
    }

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads until the text received since the last call contains {@code marker}; returns that text. */
    public String await(String marker, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[8192];
        while (true) {
            int at = received.indexOf(marker, consumed);
            if (at >= 0) {
                String seen = received.substring(consumed, at + marker.length());
                consumed = at + marker.length();
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("did not receive " + marker + " within " + timeout + "; got: "
                    + received.substring(consumed));
            }
            try {
                int n = in.read(buf);
                if (n < 0) {
                    throw new AssertionError("connection closed before " + marker + "; got: " + received.substring(consumed));
                }
                received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
    }

    /** True when the server closed the connection within the timeout. */
    public boolean closedWithin(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (SocketTimeoutException e) {
                // keep waiting
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    /** Opens the stream and negotiates STARTTLS (RFC 6120 §5). */
    public RawClient startTls(String domain, SSLContext ctx) throws IOException {
        send(header(domain));
        await("</stream:features>", Duration.ofSeconds(5));
        send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await("<proceed", Duration.ofSeconds(5));
        await("/>", Duration.ofSeconds(5));
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(15_000);
        tls.startHandshake();
        tls.setSoTimeout(200);
        use(tls);
        return this;
    }

    /** STARTTLS, then SASL PLAIN and a new stream: an authenticated, unbound stream. */
    public RawClient login(String domain, SSLContext ctx, String user, String password) throws IOException {
        startTls(domain, ctx);
        send(header(domain));
        await("</stream:features>", Duration.ofSeconds(5));
        String creds = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
        await("<success", Duration.ofSeconds(5));
        send(header(domain));
        await("</stream:features>", Duration.ofSeconds(5));
        return this;
    }

    /** Login and resource binding: a session that can send stanzas. */
    public RawClient bind(String domain, SSLContext ctx, String user, String password, String resource) throws IOException {
        login(domain, ctx, user, password);
        send("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
            + "</resource></bind></iq>");
        await("</iq>", Duration.ofSeconds(5));
        return this;
    }

    /** The certificate the server presented, once TLS is up. */
    public java.security.cert.X509Certificate peerCertificate() throws IOException {
        return (java.security.cert.X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    public String all() {
        return received.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
