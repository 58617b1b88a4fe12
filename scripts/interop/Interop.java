/*
 * Runs the Smack Integration Test Framework (SINT) against one XMPP server and records one outcome per
 * concrete test, so that scripts/interop.sh can compare them with scripts/interop-expected.txt.
 *
 * Not part of the Chorus reactor: scripts/interop.sh compiles it against the SINT jars only and runs
 *   java -cp CLASSES:'SINT_LIB/*' Interop run|report|update --option value ...
 *
 * Why not SINT's own main: SINT has no port setting (so its connection types are registered here with
 * the node's address and port), one test that throws anything but a NullPointerException ends the
 * whole run (so the run continues with the tests left), a test can hang (so a watchdog records it and
 * ends the process, and the script starts the rest again), and its disabledTests=Class.method
 * disables the whole class (so tests are chosen with enabledTests, method by method).
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

/**
 * The entry point: {@code run} executes the tests that have no outcome yet and appends theirs;
 * {@code report} judges the outcomes against the expected list; {@code update} rewrites its pass lines.
 */
public final class Interop {
    /** Exit status of {@code run} when a test hung: start again, the outcomes file says what is done. */
    static final int INCOMPLETE = 3;
    /**
     * SINT's connection types, by SINT's names: XMPPTCPConnection, the modular TCP connection with and without
     * compression, the modular connection over WebSocket (RFC 7395) with the JDK's client or OkHttp's, and
     * XMPPBOSHConnection (XEP-0124/0206; not one of SINT's own).
     */
    static final List<String> CONNECTION_TYPES = List.of("tcp", "modular", "modular-nocompress",
        "modular-websocket-java11", "modular-websocket-okhttp", "bosh");
    static final String DEFAULT_CONNECTION = "tcp";

    public static void main(String[] args) {
        PrintStream err = System.err;
        int status;
        try {
            Map<String, String> o = options(args);
            switch (args.length > 0 ? args[0] : "") {
                case "run" -> status = InteropRunner.run(o);
                case "report" -> status = InteropReport.report(o);
                case "update" -> status = InteropReport.update(o);
                default -> {
                    err.println("usage: Interop run|report|update --option value ...");
                    status = 2;
                }
            }
        } catch (Exception e) {
            // The run's stderr goes to the SINT log, which has the stack trace; the terminal gets the gist.
            e.printStackTrace();
            err.println("interop: " + oneLine(e));
            status = 1;
        }
        System.out.flush();
        // SINT and Smack leave non-daemon threads behind.
        Runtime.getRuntime().halt(status);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    static String need(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    /** One outcome of one concrete test, a line of the outcomes file: {@code PASS<TAB>id<TAB>reason}. */
    record Outcome(String result, String id, String reason) {
        static Outcome parse(String line) {
            String[] f = line.split("\t", 3);
            return new Outcome(f[0], f[1], f.length > 2 ? f[2] : "");
        }

        String line() {
            return result + "\t" + id + "\t" + reason.replace('\t', ' ').replace('\n', ' ');
        }
    }

    static Map<String, Outcome> readOutcomes(Path file) throws IOException {
        Map<String, Outcome> done = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    Outcome oc = Outcome.parse(line);
                    done.putIfAbsent(oc.id(), oc);
                }
            }
        }
        return done;
    }

    /**
     * scripts/interop-expected.txt: {@code pass ID} (must pass), {@code fail ID reason} (fails, for a
     * known reason), {@code flaky ID reason} (neither required nor reported as new), {@code disable
     * PATTERN reason} (not run; PATTERN is Class, Class.method or Class.method/connection).
     */
    record Expected(Set<String> pass, Map<String, String> fail, Map<String, String> flaky,
                    Map<String, String> disable) {
        static Expected read(Path file) throws IOException {
            Expected e = new Expected(new LinkedHashSet<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>());
            int n = 0;
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+", 3);
                String reason = f.length > 2 ? f[2] : "";
                if (f.length < 2 || (!f[0].equals("pass") && reason.isEmpty())) {
                    throw new IllegalArgumentException(file + ":" + n + ": expected 'pass ID' or 'fail|flaky|disable ID reason'");
                }
                switch (f[0]) {
                    case "pass" -> e.pass.add(f[1]);
                    case "fail" -> e.fail.put(f[1], reason);
                    case "flaky" -> e.flaky.put(f[1], reason);
                    case "disable" -> e.disable.put(f[1], reason);
                    default -> throw new IllegalArgumentException(file + ":" + n + ": unknown kind '" + f[0] + "'");
                }
            }
            return e;
        }

        /** The reason a test is disabled, or null. */
        String disabled(String id) {
            for (Map.Entry<String, String> d : disable.entrySet()) {
                if (matches(d.getKey(), id)) {
                    return d.getValue();
                }
            }
            return null;
        }
    }

    /** Whether a pattern (Class, Class.method or Class.method/connection) names a test. */
    static boolean matches(String pattern, String id) {
        return id.equals(pattern) || id.startsWith(pattern + ".") || id.startsWith(pattern + "/");
    }

    /** A test as SINT will run it: a test method on one connection type (or on the default one). */
    record Planned(String id, Class<?> testClass, Method method, String connection) {}

    /** Every concrete test SINT would run with these connection types, in SINT's naming. */
    static List<Planned> plan(List<String> connections) {
        Reflections reflections = new Reflections(new Object[] {"org.jivesoftware.smackx", "org.jivesoftware.smack",
            "org.igniterealtime.smackx", "org.igniterealtime.smack", new SubTypesScanner()});
        Set<Class<? extends AbstractSmackIntTest>> classes = new LinkedHashSet<>();
        classes.addAll(reflections.getSubTypesOf(AbstractSmackIntegrationTest.class));
        classes.addAll(reflections.getSubTypesOf(AbstractSmackLowLevelIntegrationTest.class));
        List<Planned> plan = new ArrayList<>();
        for (Class<? extends AbstractSmackIntTest> c : classes) {
            if (Modifier.isAbstract(c.getModifiers()) || c.getName().startsWith("org.igniterealtime.smack.inttest.unittest")) {
                continue;
            }
            for (Method m : c.getMethods()) {
                SmackIntegrationTest a = m.getAnnotation(SmackIntegrationTest.class);
                if (a == null) {
                    continue;
                }
                String base = m.getDeclaringClass().getSimpleName() + "." + m.getName();
                if (AbstractSmackSpecificLowLevelIntegrationTest.class.isAssignableFrom(c)) {
                    String conn = specificConnection(c);
                    if (connections.contains(conn)) {
                        plan.add(new Planned(base, c, m, conn));
                    }
                } else if (AbstractSmackLowLevelIntegrationTest.class.isAssignableFrom(c)) {
                    for (String conn : a.onlyDefaultConnectionType() ? List.of(DEFAULT_CONNECTION) : connections) {
                        plan.add(new Planned(base + "/" + conn, c, m, conn));
                    }
                } else {
                    plan.add(new Planned(base, c, m, DEFAULT_CONNECTION));
                }
            }
        }
        plan.sort((a, b) -> a.id().compareTo(b.id()));
        return plan;
    }

    /** The connection type a specific low-level test uses: the first one registered for its class. */
    static String specificConnection(Class<?> c) {
        Class<?> k = c;
        while (k.getSuperclass() != AbstractSmackSpecificLowLevelIntegrationTest.class) {
            k = k.getSuperclass();
        }
        Object arg = ((ParameterizedType) k.getGenericSuperclass()).getActualTypeArguments()[0];
        return arg == ModularXmppClientToServerConnection.class ? "modular" : DEFAULT_CONNECTION;
    }

    /** SINT's name of a concrete test, e.g. {@code LoginIntegrationTest.testInvalidLogin/tcp}. */
    static String id(ConcreteTest t) {
        String base = t.getMethod().getDeclaringClass().getSimpleName() + "." + t.getMethod().getName();
        return t.getTestType() == SmackIntegrationTestFramework.TestType.LowLevel
            ? base + "/" + String.join(",", t.getSubdescriptons()) : base;
    }

    static String oneLine(Throwable t) {
        String s = t.toString();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }
}
