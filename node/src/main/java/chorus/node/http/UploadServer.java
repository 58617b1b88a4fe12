package chorus.node.http;

import chorus.actors.upload.Slot;
import chorus.actors.upload.Slots;
import chorus.node.tls.TlsContexts;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * This node's HTTPS listener for XEP-0363: {@code PUT /upload/TOKEN/NAME} stores the body of a waiting slot
 * (exactly the announced size), {@code GET}/{@code HEAD} of the same URL serve it until it expires. TLS
 * as for clients (1.2/1.3, ECDHE only). Responses allow any origin (web clients upload from their own),
 * forbid content sniffing and scripts; nothing about a request (address, name, body) is logged.
 */
public final class UploadServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadServer.class);
    private static final Pattern SAFE_TYPE = Pattern.compile("[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+");
    private static final String PREFIX = "/upload/";

    private final HttpsServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService sweeper;
    private final Slots slots;
    private final UploadStore store;

    private UploadServer(HttpsServer server, ExecutorService executor, ScheduledExecutorService sweeper, Slots slots,
                         UploadStore store) {
        this.server = server;
        this.executor = executor;
        this.sweeper = sweeper;
        this.slots = slots;
        this.store = store;
    }

    public static UploadServer start(java.net.InetAddress bind, int port, TlsContexts tls, Slots slots, UploadStore store)
        throws IOException {
        // The node's reloadable identity: a renewed certificate reaches new connections here too.
        SSLContext ssl = tls.jdkServerContext();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(bind, port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setProtocols(TlsContexts.PROTOCOLS.toArray(String[]::new));
                List<String> supported = Arrays.asList(ssl.getSupportedSSLParameters().getCipherSuites());
                p.setCipherSuites(TlsContexts.CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new));
                p.setUseCipherSuitesOrder(true);
                params.setSSLParameters(p);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "chorus-upload-http");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chorus-upload-sweeper");
            t.setDaemon(true);
            return t;
        });
        UploadServer us = new UploadServer(server, executor, sweeper, slots, store);
        server.createContext(PREFIX, us::handle);
        server.setExecutor(executor);
        server.start();
        sweeper.scheduleWithFixedDelay(us::sweep, 10, 10, TimeUnit.MINUTES);
        return us;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void sweep() {
        try {
            int n = store.sweep();
            if (n > 0) {
                log.info("deleted {} expired uploads", n);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("sweeping expired uploads failed: {}", e.toString());
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Headers h = ex.getResponseHeaders();
            h.set("Access-Control-Allow-Origin", "*");
            h.set("Access-Control-Allow-Methods", "GET, HEAD, PUT, OPTIONS");
            h.set("Access-Control-Allow-Headers", "Content-Type");
            String path = ex.getRequestURI().getPath();
            String[] parts = path.length() > PREFIX.length() ? path.substring(PREFIX.length()).split("/", -1) : new String[0];
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                reply(ex, 404);
                return;
            }
            switch (ex.getRequestMethod()) {
                case "OPTIONS" -> reply(ex, 204);
                case "PUT" -> put(ex, parts[0], parts[1]);
                case "GET", "HEAD" -> get(ex, parts[0], parts[1]);
                default -> {
                    h.set("Allow", "GET, HEAD, PUT, OPTIONS");
                    reply(ex, 405);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("an upload request failed: {}", e.getClass().getSimpleName());
        }
    }

    private void put(HttpExchange ex, String token, String name) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length == null) {
            reply(ex, 411);
            return;
        }
        Optional<Slot> slot = slots.take(token);
        if (slot.isEmpty() || !slot.get().filename().equals(name)) {
            reply(ex, 403);
            return;
        }
        long announced;
        try {
            announced = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            reply(ex, 400);
            return;
        }
        if (announced != slot.get().size()) {
            reply(ex, announced > slot.get().size() ? 413 : 400);
            return;
        }
        Slot s = slot.get();
        String type = s.contentType() != null ? s.contentType() : ex.getRequestHeaders().getFirst("Content-Type");
        Slot typed = new Slot(s.token(), s.owner(), s.filename(), s.size(), type, s.expires());
        try (InputStream body = ex.getRequestBody()) {
            reply(ex, store.put(typed, body) ? 201 : 400);
        }
    }

    private void get(HttpExchange ex, String token, String name) throws IOException {
        Optional<UploadStore.Stored> stored = store.get(token, name);
        if (stored.isEmpty()) {
            reply(ex, 404);
            return;
        }
        UploadStore.Stored f = stored.get();
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", f.contentType() != null && SAFE_TYPE.matcher(f.contentType()).matches()
            ? f.contentType() : "application/octet-stream");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Content-Security-Policy", "default-src 'none'; sandbox");
        h.set("Cache-Control", "private");
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head) {
            h.set("Content-Length", Long.toString(f.size()));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        ex.sendResponseHeaders(200, f.size());
        try (OutputStream out = ex.getResponseBody()) {
            Files.copy(f.file(), out);
        }
    }

    private static void reply(HttpExchange ex, int status) throws IOException {
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        ex.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        sweeper.shutdownNow();
    }
}
