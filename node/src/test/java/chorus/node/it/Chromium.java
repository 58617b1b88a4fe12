package chorus.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium (Debian's package) driven through the Chrome DevTools Protocol over its WebSocket:
 * pages load as a person's would, text is typed into focused fields and buttons are clicked with the mouse.
 * A fresh profile each time, no network but loopback.
 */
final class Chromium implements AutoCloseable {
    static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    static String binary() {
        for (String b : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (new File(b).canExecute()) {
                return b;
            }
        }
        throw new IllegalStateException("no Chromium; this test needs it: apt-get install chromium "
            + "(scripts/test.sh installs it when it is missing)");
    }

    static Chromium start() throws Exception {
        return start(List.of());
    }

    /** With extra command-line switches, e.g. {@code --ignore-certificate-errors} for a test node's certificate. */
    static Chromium start(List<String> switches) throws Exception {
        Path profile = Files.createTempDirectory("chorus-chromium");
        List<String> command = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + profile,
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"));
        command.addAll(switches);
        command.add("about:blank");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String browserWs = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        while (browserWs == null && System.nanoTime() < deadline) {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("Chromium exited: " + seen);
            }
            seen.append(line).append('\n');
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not start: " + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // Chromium's own chatter
                }
            } catch (Exception ignored) {
                // exited
            }
        });
        drain.setDaemon(true);
        drain.start();
        URI ws = URI.create(browserWs);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getAuthority() + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        String pageWs = null;
        for (JsonNode t : new ObjectMapper().readTree(list)) {
            if (t.path("type").asText().equals("page")) {
                pageWs = t.path("webSocketDebuggerUrl").asText();
            }
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    self[0].received(partial.toString());
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        Chromium c = new Chromium(p, profile, socket);
        self[0] = c;
        c.call("Page.enable", Map.of());
        return c;
    }

    private void received(String text) {
        try {
            JsonNode msg = json.readTree(text);
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                if (f != null) {
                    if (msg.has("error")) {
                        f.completeExceptionally(new IllegalStateException(msg.get("error").toString()));
                    } else {
                        f.complete(msg.path("result"));
                    }
                }
            } else if (msg.path("method").asText().equals("Page.loadEventFired")) {
                loads.incrementAndGet();
            }
        } catch (Exception e) {
            // not for us
        }
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = json.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", json.valueToTree(params));
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(json.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Evaluates a JavaScript expression in the page (for reading it and finding elements, never to act). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("in the page: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    void open(String url) throws Exception {
        int before = loads.get();
        call("Page.navigate", Map.of("url", url));
        awaitLoad(before);
    }

    private void awaitLoad(int before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (loads.get() == before || !eval("document.readyState").asText().equals("complete")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the page did not load");
            }
            Thread.sleep(50);
        }
    }

    /** Focuses the field and types the text as keyboard input. */
    void type(String selector, String text) throws Exception {
        eval("(() => { const e = document.querySelector(" + json.writeValueAsString(selector) + "); e.focus(); e.select && e.select(); })()");
        call("Input.insertText", Map.of("text", text));
    }

    /** Presses and releases Enter on the focused element, as a keyboard would. */
    void pressEnter() throws Exception {
        for (String type : new String[] {"keyDown", "keyUp"}) {
            call("Input.dispatchKeyEvent", Map.of("type", type, "key", "Enter", "code", "Enter",
                "windowsVirtualKeyCode", 13, "nativeVirtualKeyCode", 13));
        }
    }

    /** Clicks the element's centre with the left mouse button. */
    void click(String selector) throws Exception {
        JsonNode box = eval("(() => { const e = document.querySelector(" + json.writeValueAsString(selector)
            + "); e.scrollIntoView(); const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        for (String type : new String[] {"mousePressed", "mouseReleased"}) {
            call("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
                "button", "left", "clickCount", 1));
        }
    }

    /** Clicks a submit button and waits for the page the form leads to. */
    void submit(String selector) throws Exception {
        int before = loads.get();
        click(selector);
        awaitLoad(before);
    }

    String text(String selector) throws Exception {
        return eval("(() => { const e = document.querySelector(" + json.writeValueAsString(selector)
            + "); return e ? e.innerText : null; })()").asText();
    }

    String html() throws Exception {
        return eval("document.documentElement.outerHTML").asText();
    }

    String url() throws Exception {
        return eval("location.href").asText();
    }

    void screenshot(Path file) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            // Chromium's helpers (zygote, renderers, crashpad) outlive the browser process for a moment and keep
            // writing and removing files in the profile: every one of them ends before the profile is deleted.
            List<ProcessHandle> helpers = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle h : helpers) {
                h.destroy();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException slow) {
                    h.destroyForcibly();
                }
            }
            deleteProfile();
        }
    }

    /** Deletes the profile; a file that vanished while the tree was walked is walked past (up to three walks). */
    private void deleteProfile() throws IOException {
        for (int attempt = 1; Files.exists(profile); attempt++) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                return;
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException vanished) {
                if (attempt == 3) {
                    throw vanished instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) vanished;
                }
            }
        }
    }
}
