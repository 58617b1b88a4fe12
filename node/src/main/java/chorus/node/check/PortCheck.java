package chorus.node.check;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's ports. With the node running: each client port answers as XMPP (a stream header gets stream
 * features with STARTTLS; direct TLS completes a handshake), the upload port completes a handshake. With no
 * node running: each port can be bound (nothing else holds it).
 */
final class PortCheck {
    static final String AREA = "ports";

    /** A port the node listens on: what it is, the setting that moves it, and how to probe it. */
    record Port(String what, String setting, InetAddress bind, int port, Kind kind) {
    }

    enum Kind { XMPP_STARTTLS, DIRECT_TLS, PLAIN }

    private PortCheck() {
    }

    static List<Finding> run(List<Port> ports, boolean nodeRunning) {
        List<Finding> out = new ArrayList<>();
        for (Port p : ports) {
            if (p.port() == 0) {
                continue;
            }
            String where = p.what() + " port " + p.port();
            if (nodeRunning) {
                String problem = probe(p);
                if (problem == null) {
                    out.add(Finding.ok(AREA, where + " answers"));
                } else if (p.kind() != Kind.PLAIN) {
                    out.add(Finding.fail(AREA, where + " does not answer as it should: " + problem,
                        "look at the node's log (data-dir/logs/chorus.log); a firewall or another program may hold " + p.port()));
                }
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(p.bind(), p.port()));
                    out.add(Finding.ok(AREA, where + " is free"));
                } catch (IOException e) {
                    out.add(Finding.fail(AREA, where + " on " + p.bind().getHostAddress() + " cannot be bound: " + e.getMessage(),
                        "stop the program that holds it (ss -ltnp 'sport = :" + p.port() + "'), or change " + p.setting()));
                }
            }
        }
        return out;
    }

    /** Null when the port answers as the node's listener would; else what went wrong. */
    private static String probe(Port p) {
        InetAddress host = p.bind().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : p.bind();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, p.port()), 3000);
            s.setSoTimeout(5000);
            switch (p.kind()) {
                case XMPP_STARTTLS:
                    s.getOutputStream().write(("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                        + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='check.invalid'>")
                        .getBytes(StandardCharsets.UTF_8));
                    String answer = readSome(s.getInputStream());
                    return answer.contains("<stream:stream") || answer.contains("<stream:error") ? null
                        : "no XMPP stream header in the answer";
                case DIRECT_TLS:
                    SSLContext ctx = SSLContext.getInstance("TLS");
                    ctx.init(null, new TrustManager[] {new AnyCertificate()}, null);
                    try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(s, host.getHostAddress(), p.port(), false)) {
                        tls.startHandshake();
                    }
                    return null;
                default:
                    return null;
            }
        } catch (Exception e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    private static String readSome(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** The probe only asks whether TLS is up; the certificate check is CertificateCheck's. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
