package chorus.node.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One xmpp.js client (npm {@code @xmpp/client}, run by Node.js) driven by {@code src/test/resources/sasl2/driver.mjs}:
 * options in, commands on its stdin, what happens on its stdout (one JSON object a line). xmpp.js comes from
 * {@code -Dchorus.it.xmppjs}, else {@code CHORUS_XMPPJS_DIR} (scripts/test.sh sets it), else the cache scripts/lib.sh's
 * {@code ensure_xmppjs} fills; missing, the test fails and says how to get it. It trusts the node's certificate
 * (NODE_EXTRA_CA_CERTS) and nothing else.
 */
final class XmppJs implements AutoCloseable {
    static final String VERSION = "0.14.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    /** Every event so far, in order (for messages when a wait fails). */
    private final List<JsonNode> all = Collections.synchronizedList(new ArrayList<>());

    private XmppJs(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    try {
                        JsonNode e = JSON.readTree(line);
                        all.add(e);
                        events.add(e);
                    } catch (IOException notJson) {
                        all.add(JSON.createObjectNode().put("event", "output").put("line", line));
                    }
                }
            } catch (IOException gone) {
                // the process ended
            }
        }, "xmppjs-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The node_modules directory xmpp.js was installed into. */
    static Path modules() {
        String dir = System.getProperty("chorus.it.xmppjs", System.getenv("CHORUS_XMPPJS_DIR"));
        Path base = dir != null && !dir.isEmpty() ? Path.of(dir)
            : Path.of(System.getProperty("user.home"), ".cache", "chorus", "xmppjs-" + VERSION);
        Path modules = base.resolve("node_modules");
        if (!Files.isRegularFile(modules.resolve("@xmpp/client/package.json"))) {
            fail("xmpp.js " + VERSION + " is not installed in " + base + ": run scripts/test.sh once "
                + "(or: bash -c 'source scripts/lib.sh && ensure_xmppjs'), or point -Dchorus.it.xmppjs at a directory "
                + "holding node_modules/@xmpp/client");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/node"))) {
            fail("Node.js (/usr/bin/node, version 20) is needed to run xmpp.js: apt-get install nodejs");
        }
        return modules;
    }

    /** The node's certificate in PEM, for Node.js to trust. */
    static Path trustFile(TestNode node) throws Exception {
        KeyStore trust = node.endpoint().trustStore();
        StringBuilder pem = new StringBuilder();
        for (Enumeration<String> aliases = trust.aliases(); aliases.hasMoreElements(); ) {
            Certificate c = trust.getCertificate(aliases.nextElement());
            if (c != null) {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
            }
        }
        Path file = node.dataDir().resolve("xmppjs-trust.pem");
        Files.writeString(file, pem);
        return file;
    }

    /** Starts a client with these options (see driver.mjs); it connects and logs in at once. */
    static XmppJs start(Path trust, Map<String, Object> options) throws Exception {
        Path modules = modules();
        Path driver = Path.of("src/test/resources/sasl2/driver.mjs").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/node", "--experimental-websocket", "--no-warnings",
            driver.toString());
        pb.environment().put("DRIVER", JSON.writeValueAsString(options));
        pb.environment().put("XMPPJS_MODULES", modules.toString());
        pb.environment().put("NODE_PATH", modules.toString());
        pb.environment().put("NODE_EXTRA_CA_CERTS", trust.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new XmppJs(pb.start());
    }

    /** The next event of this kind that matches (earlier ones of other kinds are skipped); fails after the wait. */
    JsonNode await(String event, Predicate<JsonNode> matching, Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            JsonNode e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                fail("xmpp.js: no '" + event + "' within " + wait + "; it said: " + all);
            }
            if (event.equals(e.path("event").asText()) && matching.test(e)) {
                return e;
            }
        }
    }

    JsonNode await(String event, Duration wait) throws InterruptedException {
        return await(event, e -> true, wait);
    }

    /** The first of these events, whichever comes. */
    JsonNode awaitAny(Duration wait, String... kinds) throws InterruptedException {
        List<String> wanted = List.of(kinds);
        return await(wanted.get(0), e -> true, wait, wanted);
    }

    private JsonNode await(String first, Predicate<JsonNode> m, Duration wait, List<String> kinds)
        throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            JsonNode e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                fail("xmpp.js: none of " + kinds + " within " + wait + "; it said: " + all);
            }
            if (kinds.contains(e.path("event").asText())) {
                return e;
            }
        }
    }

    /** Everything it said so far. */
    List<JsonNode> said() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    void command(Map<String, Object> command) throws IOException {
        commands.write(JSON.writeValueAsString(command) + "\n");
        commands.flush();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try {
                command(Map.of("op", "stop"));
            } catch (IOException gone) {
                // ended already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}
