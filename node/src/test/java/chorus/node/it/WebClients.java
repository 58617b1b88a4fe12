package chorus.node.it;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * HTTP clients for the node's HTTP listener, reached at 127.0.0.1: they trust the node's certificate (and nothing
 * else) without checking that it names 127.0.0.1 (it names the test domain, which does not resolve here).
 */
public final class WebClients {
    private WebClients() {
    }

    public static int httpPort(TestNode node) {
        return node.node().settings().http().port();
    }

    public static String base(TestNode node) {
        return "https://127.0.0.1:" + httpPort(node);
    }

    /** Trusts what {@code trust} trusts, whatever name the certificate was presented for. */
    public static SSLContext anyName(X509TrustManager trust) throws Exception {
        X509ExtendedTrustManager tm = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                trust.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                trust.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return trust.getAcceptedIssuers();
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }

    public static HttpClient http(TestNode node) throws Exception {
        return HttpClient.newBuilder().sslContext(anyName(Clients.trustManager(node.endpoint())))
            .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static HttpResponse<String> get(TestNode node, String path) throws Exception {
        return http(node).send(HttpRequest.newBuilder(URI.create(base(node) + path)).timeout(Duration.ofSeconds(20))
            .build(), HttpResponse.BodyHandlers.ofString());
    }
}
