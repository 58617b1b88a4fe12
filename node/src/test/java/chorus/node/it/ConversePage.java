package chorus.node.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A web server on loopback (the JDK's) for Converse.js: its prebuilt files under {@code /dist/} and, at
 * {@code /page/N}, a page that loads them and starts Converse with the settings given to {@link #url}, plus a
 * plugin that hands the test Converse's {@code api} as {@code window.chorusProbe} (to open a chat or a room and to
 * read the connection; messages go through Converse's own text areas).
 */
final class ConversePage implements AutoCloseable {
    /** The loopback address of this test's web server and of the node's HTTP listener. */
    static final String HOST = "127.0.3.1";
    /** The version scripts/lib.sh (CONVERSEJS_VERSION) fetches. */
    static final String VERSION = "12.0.0";
    static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css", "json", "application/json",
        "svg", "image/svg+xml", "png", "image/png", "woff2", "font/woff2", "woff", "font/woff", "ttf", "font/ttf",
        "map", "application/json", "mp3", "audio/mpeg");

    private final HttpServer server;
    private final Path dist;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private ConversePage(HttpServer server, Path dist) {
        this.server = server;
        this.dist = dist;
    }

    /**
     * Converse's dist directory: -Dchorus.it.conversejs, else CHORUS_CONVERSEJS_DIR (scripts/test.sh sets it), else
     * the cache scripts/lib.sh's ensure_conversejs fills. Missing, the test fails and says how to get it.
     */
    static Path distDirectory() {
        String dir = System.getProperty("chorus.it.conversejs", System.getenv("CHORUS_CONVERSEJS_DIR"));
        Path root = dir != null && !dir.isEmpty() ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache", "chorus", "converse.js-" + VERSION);
        Path dist = root.resolve("dist");
        if (!Files.isRegularFile(dist.resolve("converse.min.js"))) {
            throw new IllegalStateException("no Converse.js at " + root + "; this test needs it: scripts/test.sh fetches it "
                + "(or: bash -c 'source scripts/lib.sh && ensure_conversejs'), or point -Dchorus.it.conversejs at an "
                + "unpacked npm converse.js package");
        }
        return dist;
    }

    static ConversePage start(Path dist) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(HOST, 0), 16);
        ConversePage p = new ConversePage(server, dist);
        server.createContext("/", p::serve);
        server.start();
        return p;
    }

    /** The page's origin, to allow on the node. */
    String origin() {
        return "http://" + HOST + ":" + server.getAddress().getPort();
    }

    /** A page that starts Converse with these settings (on top of the test's defaults). */
    String url(Map<String, Object> settings) throws IOException {
        Map<String, Object> all = new HashMap<>(Map.of("assets_path", "/dist/", "auto_login", true,
            "discover_connection_methods", false, "view_mode", "fullscreen", "auto_reconnect", false,
            "play_sounds", false, "allow_non_roster_messaging", true, "show_controlbox_by_default", true,
            "whitelisted_plugins", java.util.List.of("chorus-probe"), "loglevel", "warn"));
        all.putAll(settings);
        String id = String.valueOf(ids.incrementAndGet());
        pages.put(id, """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Converse against Chorus</title>
            <link rel="stylesheet" href="/dist/converse.min.css">
            <script src="/dist/converse.min.js"></script></head>
            <body class="converse-fullscreen"><script>
            converse.plugins.add('chorus-probe', {
              initialize() {
                const api = this._converse.api;
                window.chorusProbe = {api, connected: false};
                api.listen.on('connected', () => { window.chorusProbe.connected = true; });
              }
            });
            converse.initialize(%s);
            </script></body></html>
            """.formatted(new ObjectMapper().writeValueAsString(all)));
        return origin() + "/page/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            byte[] body = null;
            String type = "text/html; charset=utf-8";
            if (path.startsWith("/page/")) {
                String html = pages.get(path.substring("/page/".length()));
                body = html == null ? null : html.getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/dist/")) {
                Path file = dist.resolve(path.substring("/dist/".length())).normalize();
                if (file.startsWith(dist) && Files.isRegularFile(file)) {
                    body = Files.readAllBytes(file);
                    String name = file.getFileName().toString();
                    type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
                }
            }
            if (body == null) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
