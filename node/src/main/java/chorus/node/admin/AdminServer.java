package chorus.node.admin;

import chorus.actors.diagnostics.DiagnosticsPruner;
import chorus.node.admin.web.WebAdmin;
import chorus.node.config.AdminSettings;
import chorus.node.config.Settings;
import chorus.node.metrics.NodeRegistry;
import chorus.node.metrics.Readiness;
import chorus.node.tls.TlsIdentity;
import chorus.persistence.diagnostics.DiagnosticsStore;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The admin port ({@code chorus.admin.bind}, loopback by default): {@code /v1/...} the admin API for
 * chorusctl, {@code /admin/} the web admin, {@code /metrics} for Prometheus, {@code /alive} and {@code /ready}
 * for systemd and Kubernetes.
 * Health answers name no address and need no token; the API always does; metrics as the admin chose.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** What the admin port serves. */
    public record Deps(Settings node, AdminToken token, AccountService accounts, IntSupplier sessions,
                       DiagnosticsStore diagnostics, ActorRef<DiagnosticsPruner.Command> pruner, Readiness readiness,
                       NodeRegistry metrics, Supplier<TlsIdentity> reloadTls) {
        AdminSettings settings() {
            return node.admin();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static AdminServer start(Deps deps) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(deps.settings().bind(), deps.settings().port()), 64);
        ExecutorService ex = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "chorus-admin");
            t.setDaemon(true);
            return t;
        });
        AdminApi api = new AdminApi(deps);
        http.createContext("/v1/", api::handle);
        WebAdmin web = new WebAdmin(deps.token(), deps.accounts(), deps.node(), deps.diagnostics(),
            deps.metrics().prometheus(), Clock.systemUTC());
        http.createContext("/admin", web::handle);
        http.createContext("/alive", guarded(x -> send(x, 200, "text/plain; charset=utf-8", "alive\n")));
        http.createContext("/ready", guarded(x -> ready(x, deps.readiness())));
        http.createContext("/metrics", guarded(x -> metrics(x, deps)));
        http.setExecutor(ex);
        http.start();
        log.info("admin port on {}:{}", deps.settings().bind().getHostAddress(), deps.settings().port());
        return new AdminServer(http, ex);
    }

    /** GET /ready: 200 when the node should get clients, else 503; the body says which part is missing. */
    private static void ready(HttpExchange ex, Readiness readiness) throws IOException {
        Readiness.Report r;
        try {
            r = readiness.check().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            r = new Readiness.Report(false, false, false);
        }
        String body = "{\"ready\":" + r.ready() + ",\"member\":" + r.member() + ",\"shardRegions\":" + r.shardRegions()
            + ",\"cassandra\":" + r.cassandra() + "}\n";
        send(ex, r.ready() ? 200 : 503, "application/json", body);
    }

    /** GET /metrics: the registry in Prometheus text or OpenMetrics, as the scraper's Accept header asks. */
    private static void metrics(HttpExchange ex, Deps deps) throws IOException {
        if (deps.settings().metricsAuth() == AdminSettings.MetricsAuth.TOKEN
            && !deps.token().matches(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            send(ex, 401, "text/plain; charset=utf-8", "missing or wrong admin token\n");
            return;
        }
        NodeRegistry.Scrape s = deps.metrics().scrape(ex.getRequestHeaders().getFirst("Accept"));
        send(ex, 200, s.contentType(), s.body());
    }

    /** GET and HEAD only; a failure answers 500 without details. */
    private static HttpHandler guarded(HttpHandler h) {
        return ex -> {
            try (ex) {
                if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    send(ex, 405, "text/plain; charset=utf-8", "GET only\n");
                    return;
                }
                h.handle(ex);
            } catch (RuntimeException e) {
                log.warn("admin request failed: {}", e.getClass().getSimpleName());
                send(ex, 500, "text/plain; charset=utf-8", "internal error\n");
            }
        };
    }

    static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
