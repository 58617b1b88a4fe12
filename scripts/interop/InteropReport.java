/*
 * The judging half of scripts/interop.sh: compares a run's outcomes (see Interop) with scripts/interop-expected.txt,
 * prints the counts and what changed, and rewrites the list's pass lines on --update. Compiled with Interop.java.
 */
import org.igniterealtime.smack.inttest.AbstractSmackIntTest;
import org.igniterealtime.smack.inttest.AbstractSmackIntegrationTest;
import org.igniterealtime.smack.inttest.AbstractSmackLowLevelIntegrationTest;
import org.igniterealtime.smack.inttest.AbstractSmackSpecificLowLevelIntegrationTest;
import org.igniterealtime.smack.inttest.Configuration;
import org.igniterealtime.smack.inttest.FailedTest;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework.ConcreteTest;
import org.igniterealtime.smack.inttest.SuccessfulTest;
import org.igniterealtime.smack.inttest.TestNotPossible;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.igniterealtime.smack.inttest.annotations.SmackIntegrationTest;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.compression.CompressionModuleDescriptor;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.websocket.XmppWebSocketTransportModuleDescriptor;
import org.jivesoftware.smack.websocket.impl.WebSocketFactory;
import org.jivesoftware.smack.websocket.java11.Java11WebSocketFactory;
import org.jivesoftware.smack.websocket.okhttp.OkHttpWebSocketFactory;
import org.reflections.Reflections;
import org.reflections.scanners.SubTypesScanner;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/** Compares the outcomes with the expected list; prints the counts; non-zero when a listed test did not pass. */
final class InteropReport {
    static int report(Map<String, String> o) throws IOException {
        Map<String, Interop.Outcome> got = Interop.readOutcomes(Path.of(Interop.need(o, "outcomes")));
        Interop.Expected expected = Interop.Expected.read(Path.of(Interop.need(o, "expected")));
        boolean strict = Boolean.parseBoolean(o.getOrDefault("strict", "false"));
        Map<String, Integer> counts = new TreeMap<>(Map.of("PASS", 0, "FAIL", 0, "SKIP", 0));
        got.values().forEach(oc -> counts.merge(oc.result(), 1, Integer::sum));

        Set<String> ran = Set.of(o.getOrDefault("connections", "tcp").split(","));
        List<String> regressions = new ArrayList<>();
        for (String id : expected.pass()) {
            Interop.Outcome oc = got.get(id);
            if (oc == null && (!ran.contains(connectionOf(id)) || !chosen(o, id))) {
                continue;
            }
            if (oc == null) {
                regressions.add(id + "  (no outcome: not run)");
            } else if (!oc.result().equals("PASS")) {
                regressions.add(id + "  (" + oc.result() + ": " + oc.reason() + ")");
            }
        }
        List<String> fresh = got.values().stream()
            .filter(oc -> oc.result().equals("PASS") && !expected.pass().contains(oc.id())
                && !expected.flaky().containsKey(oc.id()))
            .map(Interop.Outcome::id).toList();
        List<String> unexplained = got.values().stream()
            .filter(oc -> oc.result().equals("FAIL") && !expected.fail().containsKey(oc.id())
                && !expected.flaky().containsKey(oc.id()) && !expected.pass().contains(oc.id()))
            .map(oc -> oc.id() + "  (" + oc.reason() + ")").toList();

        PrintStream out = System.out;
        if (!unexplained.isEmpty()) {
            out.println("Failing, with no 'fail' line giving the reason in the expected list:");
            unexplained.forEach(s -> out.println("  " + s));
        }
        if (!fresh.isEmpty()) {
            out.println("Newly passing: add to the expected list in this change (scripts/interop.sh --update does):");
            fresh.forEach(s -> out.println("  pass " + s));
        }
        if (o.containsKey("log")) {
            traces(out, Path.of(o.get("log")), got.values().stream()
                .filter(oc -> oc.result().equals("FAIL")
                    && (expected.pass().contains(oc.id()) || expected.flaky().containsKey(oc.id())))
                .map(Interop.Outcome::id).toList());
        }
        if (!regressions.isEmpty()) {
            out.println("REGRESSIONS: listed as passing in the expected list, but did not pass:");
            regressions.forEach(s -> out.println("  " + s));
        }
        out.println(counts.get("PASS") + " passed, " + counts.get("FAIL") + " failed, " + counts.get("SKIP") + " skipped");
        if (!regressions.isEmpty()) {
            return 1;
        }
        return strict && !fresh.isEmpty() ? 1 : 0;
    }

    /**
     * The stanzas of each failed test that is listed as passing or as flaky, from a SINT log written with --debug: what
     * a failure seen once looked like on the wire.
     */
    static void traces(PrintStream out, Path log, List<String> ids) throws IOException {
        if (!Files.isRegularFile(log)) {
            return;
        }
        for (String id : ids) {
            List<String> trace = InteropTrace.of(log, id);
            if (!trace.isEmpty()) {
                out.println("The stanzas of " + id + " (the last " + trace.size() + " at most "
                    + InteropTrace.MAX_STANZAS + "; SENT by Smack, RECV from the server):");
                trace.forEach(t -> out.println("  " + t));
            }
        }
    }

    /** Whether --tests, when given, names the test. */
    static boolean chosen(Map<String, String> o, String id) {
        return !o.containsKey("tests") || List.of(o.get("tests").split(",")).stream().anyMatch(t -> Interop.matches(t, id));
    }

    /** The connection type in a test's name, or the default one. */
    static String connectionOf(String id) {
        int slash = id.lastIndexOf('/');
        return slash < 0 ? Interop.DEFAULT_CONNECTION : id.substring(slash + 1);
    }

    /**
     * The pass lines become the tests that passed in this run (and the listed ones of connection
     * types it did not run); fail lines of tests that pass now go. Everything else stays as written.
     */
    static int update(Map<String, String> o) throws IOException {
        Path file = Path.of(Interop.need(o, "expected"));
        Map<String, Interop.Outcome> got = Interop.readOutcomes(Path.of(Interop.need(o, "outcomes")));
        Interop.Expected expected = Interop.Expected.read(file);
        Set<String> pass = new TreeSet<>();
        for (String id : expected.pass()) {
            if (!got.containsKey(id)) {
                pass.add(id);
            }
        }
        got.values().stream().filter(oc -> oc.result().equals("PASS") && !expected.flaky().containsKey(oc.id()))
            .forEach(oc -> pass.add(oc.id()));
        List<String> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = raw.strip().split("\\s+", 3);
            boolean passLine = f[0].equals("pass");
            boolean nowPasses = f[0].equals("fail") && f.length > 1 && pass.contains(f[1]);
            if (!passLine && !nowPasses && !raw.startsWith(PASS_HEADER)) {
                lines.add(raw);
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        lines.add(PASS_HEADER + " (" + pass.size() + "), written by scripts/interop.sh --update");
        pass.forEach(id -> lines.add("pass " + id));
        Files.write(file, lines, StandardCharsets.UTF_8);
        List<String> dropped = expected.pass().stream().filter(id -> !pass.contains(id)).toList();
        System.out.println("updated " + file + ": " + pass.size() + " passing"
            + (dropped.isEmpty() ? "" : "; no longer listed: " + dropped));
        return 0;
    }

    static final String PASS_HEADER = "# Tests that pass";
}
