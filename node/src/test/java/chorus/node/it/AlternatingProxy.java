package chorus.node.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A load balancer without stickiness in front of several nodes' HTTP listeners: plain HTTP in (as after a proxy's
 * TLS), each request to the next node in turn, over HTTPS; counts how many went to each. Only POSTs of BOSH and GETs
 * pass, which is all the tests send.
 */
final class AlternatingProxy implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;
    private final List<HttpClient> clients;
    private final List<URI> backends;
    private final AtomicInteger next = new AtomicInteger();
    final AtomicIntegerArray served;

    /** {@code clients.get(i)} reaches {@code backends.get(i)} (each trusts its node's certificate). */
    AlternatingProxy(String host, int port, List<HttpClient> clients, List<URI> backends) throws Exception {
        this.clients = clients;
        this.backends = backends;
        this.served = new AtomicIntegerArray(backends.size());
        this.pool = Executors.newFixedThreadPool(16);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", this::forward);
        server.setExecutor(pool);
        server.start();
    }

    URI url(String path) {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + path);
    }

    private void forward(HttpExchange ex) throws java.io.IOException {
        try (ex) {
            int i = Math.floorMod(next.getAndIncrement(), backends.size());
            served.incrementAndGet(i);
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(backends.get(i).resolve(ex.getRequestURI().getRawPath()))
                .timeout(Duration.ofSeconds(120));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                b.header("Content-Type", type);
            }
            b.method(ex.getRequestMethod(), body.length == 0 && ex.getRequestMethod().equals("GET")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = clients.get(i).send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().set("Content-Type", t));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            ex.getResponseBody().write(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            ex.sendResponseHeaders(502, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
