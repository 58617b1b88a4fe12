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
                case "run" -> status = Runner.run(o);
                case "report" -> status = Report.report(o);
                case "update" -> status = Report.update(o);
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

    /** Runs the tests that have no outcome yet, phase by phase, appending outcomes as they come. */
    static final class Runner {
        private final Path outcomesFile;
        private final Map<String, Outcome> done;
        private final PrintStream out;
        private volatile ConcreteTest current;
        private volatile long currentSince;
        private volatile Framework active;
        static final String NEEDS_REGISTRATION = "needs account registration (XEP-0077), which the server does not offer";
        /** Held here: JUL keeps loggers weakly, and SINT may create its own after this one is collected. */
        private static final Logger SINT_LOGGER = Logger.getLogger(SmackIntegrationTestFramework.class.getName());

        private Runner(Path outcomesFile, Map<String, Outcome> done, PrintStream out) {
            this.outcomesFile = outcomesFile;
            this.done = done;
            this.out = out;
        }

        static int run(Map<String, String> o) throws Exception {
            Path outcomes = Path.of(need(o, "outcomes"));
            Expected expected = Expected.read(Path.of(need(o, "expected")));
            List<String> connections = List.of(o.getOrDefault("connections", "tcp").split(","));
            for (String c : connections) {
                if (!CONNECTION_TYPES.contains(c)) {
                    throw new IllegalArgumentException("unknown connection type " + c + "; known: " + CONNECTION_TYPES);
                }
            }
            long testTimeoutMillis = Long.parseLong(o.getOrDefault("test-timeout", "180")) * 1000;
            PrintStream terminal = System.out;
            logTo(Path.of(need(o, "log")));
            boolean registration = configure(o);
            terminal.println("accounts: " + (registration
                ? "SINT registers its own (XEP-0077 in-band registration)"
                : "pre-created; low-level tests need registration and are skipped"));

            Runner r = new Runner(outcomes, readOutcomes(outcomes), terminal);
            r.listen();
            r.watchdog(testTimeoutMillis);
            List<Planned> plan = plan(connections);
            if (o.containsKey("tests")) {
                List<String> only = List.of(o.get("tests").split(","));
                plan = plan.stream().filter(p -> only.stream().anyMatch(t -> matches(t, p.id()))).toList();
            }
            for (Planned p : plan) {
                String why = expected.disabled(p.id());
                if (why != null) {
                    r.record(new Outcome("SKIP", p.id(), "disabled in the expected list: " + why));
                } else if (!registration && isLowLevel(p)) {
                    // Low-level tests log in on connections of their own, with accounts SINT creates.
                    r.record(new Outcome("SKIP", p.id(), NEEDS_REGISTRATION));
                }
            }
            r.execute(plan, connections, Boolean.parseBoolean(o.getOrDefault("single-run", "false")));
            return 0;
        }

        /**
         * SINT's settings, as its system properties: the connection types with the node's address and
         * port, the domain, and the accounts unless SINT registers its own. Returns whether it does.
         */
        private static boolean configure(Map<String, String> o) throws Exception {
            InetAddress address = InetAddress.getByName(need(o, "host"));
            int port = Integer.parseInt(need(o, "port"));
            String domain = need(o, "domain");
            registerConnectionTypes(address, port, o.get("websocket"), o.get("bosh"));
            System.setProperty("sinttest.defaultConnection", DEFAULT_CONNECTION);
            System.setProperty("sinttest.service", domain);
            System.setProperty("sinttest.securityMode", "required");
            boolean registration = switch (o.getOrDefault("registration", "auto")) {
                case "in-band" -> true;
                case "accounts" -> false;
                case "auto" -> offersRegistration(address, port, domain);
                default -> throw new IllegalArgumentException("--registration auto|in-band|accounts");
            };
            if (!registration) {
                List<String> users = List.of(need(o, "accounts").split(","));
                String password = System.getenv("INTEROP_PASSWORD");
                if (users.size() != 3 || password == null || password.isEmpty()) {
                    throw new IllegalArgumentException("the server offers no in-band registration: give three accounts "
                        + "(--accounts one,two,three, INTEROP_PASSWORD)");
                }
                List<String> nth = List.of("One", "Two", "Three");
                for (int i = 0; i < 3; i++) {
                    System.setProperty("sinttest.account" + nth.get(i) + "Username", users.get(i));
                    System.setProperty("sinttest.account" + nth.get(i) + "Password", password);
                }
            }
            return registration;
        }

        /**
         * The default connection type first (with the tests that are not low-level), then the others.
         * One SINT run per test class, classes by name: SINT's own order is random from run to run, and
         * a class that leaves listeners or roster state behind cannot disturb the next one. With
         * {@code single}, one SINT run per connection type in SINT's order (finds tests that depend on
         * what ran before them).
         */
        private void execute(List<Planned> plan, List<String> connections, boolean single) throws Exception {
            List<String> phases = new ArrayList<>(List.of(DEFAULT_CONNECTION));
            connections.stream().filter(c -> !phases.contains(c)).forEach(phases::add);
            Set<String> groups = new TreeSet<>();
            plan.forEach(p -> groups.add(single ? "" : p.testClass().getName()));
            for (String phase : phases) {
                for (String g : groups) {
                    while (true) {
                        List<Planned> left = plan.stream().filter(p -> (single || p.testClass().getName().equals(g))
                            && phase.equals(p.connection()) && !done.containsKey(p.id())).toList();
                        if (left.isEmpty()) {
                            break;
                        }
                        runClass(phase, left);
                    }
                }
            }
        }

        static boolean isLowLevel(Planned p) {
            return AbstractSmackLowLevelIntegrationTest.class.isAssignableFrom(p.testClass());
        }

        /** One SINT run over tests (of one class, usually) on one connection type; an abort ends it early. */
        private void runClass(String phase, List<Planned> tests) throws Exception {
            int before = done.size();
            Set<String> enabled = new TreeSet<>();
            for (Planned p : tests) {
                enabled.add(p.testClass().getName() + "." + p.method().getName());
                enabled.add(p.method().getDeclaringClass().getName() + "." + p.method().getName());
            }
            System.setProperty("sinttest.enabledTests", String.join(",", enabled));
            System.setProperty("sinttest.enabledConnections", phase);
            Configuration config = Configuration.newConfiguration(null);
            Framework sint = new Framework(config);
            active = sint;
            Throwable abort = null;
            try {
                sint.run();
            } catch (Throwable t) {
                abort = t;
            }
            ConcreteTest aborted = current;
            current = null;
            sint.collect(this);
            if (abort instanceof IllegalArgumentException && "No integration tests selected.".equals(abort.getMessage())) {
                abort = null;   // every test of the class is impossible or disabled: SINT throws for that
            }
            if (abort != null) {
                if (aborted != null && !done.containsKey(id(aborted))) {
                    String text = String.valueOf(abort.getMessage());
                    record(text.startsWith("Account registration not configured") || text.startsWith("Account creation no possible")
                        ? new Outcome("SKIP", id(aborted), NEEDS_REGISTRATION)
                        : new Outcome("FAIL", id(aborted), "aborted the SINT run: " + oneLine(abort)));
                } else if (aborted == null) {
                    // Before any test: a test class's constructor threw, or the main accounts could not log in.
                    Class<?> culprit = constructorThatThrew(abort, tests);
                    if (culprit == null) {
                        throw new IllegalStateException("SINT stopped before any test ran: " + oneLine(abort), abort);
                    }
                    for (Planned p : tests) {
                        record(new Outcome("FAIL", p.id(), "the test class's constructor aborted the SINT run: " + oneLine(abort)));
                    }
                }
                if (done.size() == before) {
                    // Aborted after its tests (say in SINT's cleanup): the tests left cannot run either.
                    for (Planned p : tests) {
                        record(new Outcome("FAIL", p.id(), "not run: the SINT run aborted: " + oneLine(abort)));
                    }
                }
            }
            // A finished run that left a test without an outcome: SINT skipped it on its own.
            // (A constructor that threw TestNotPossibleException makes the whole class impossible.)
            if (abort == null) {
                for (Planned p : tests) {
                    if (!done.containsKey(p.id())) {
                        Throwable why = sint.impossibleClass(p.testClass());
                        record(new Outcome("SKIP", p.id(), why != null ? "not possible: " + oneLine(why) : "SINT did not run it"));
                    }
                }
            }
        }

        private static Class<?> constructorThatThrew(Throwable abort, List<Planned> tests) {
            for (Throwable t = abort; t != null; t = t.getCause()) {
                for (StackTraceElement f : t.getStackTrace()) {
                    for (Planned p : tests) {
                        if (f.getClassName().equals(p.testClass().getName()) && f.getMethodName().equals("<init>")) {
                            return p.testClass();
                        }
                    }
                }
            }
            return null;
        }

        /** Whether the server offers in-band registration (XEP-0077) in its stream features. */
        private static boolean offersRegistration(InetAddress address, int port, String domain) throws Exception {
            XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain).setHostAddress(address).setPort(port)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required).build());
            try {
                c.connect();
                return c.hasFeature("register", "http://jabber.org/features/iq-register");
            } finally {
                c.disconnect();
            }
        }

        /** Each test's start and end, from SINT's log (reasons of impossible tests come from its results). */
        private void listen() {
            SINT_LOGGER.addHandler(new Handler() {
                @Override
                public void publish(LogRecord rec) {
                    String msg = rec.getMessage();
                    ConcreteTest t = SmackIntegrationTestFramework.getTestUnderExecution();
                    Framework f = active;
                    if (msg == null || t == null || f == null) {
                        return;
                    }
                    if (msg.endsWith(" Start")) {
                        f.collect(Runner.this);
                        started(t);
                    } else if (msg.endsWith(" Success")) {
                        record(new Outcome("PASS", id(t), ""));
                    } else if (msg.endsWith(" Failed") && rec.getThrown() != null) {
                        Throwable cause = rec.getThrown().getCause();
                        record(new Outcome("FAIL", id(t), oneLine(cause != null ? cause : rec.getThrown())));
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }

        synchronized void record(Outcome oc) {
            if (done.putIfAbsent(oc.id(), oc) != null) {
                return;
            }
            try {
                Files.writeString(outcomesFile, oc.line() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.printf("  %s  %s%s%n", oc.result(), oc.id(), oc.result().equals("PASS") ? "" : "  (" + oc.reason() + ")");
            out.flush();
        }

        void started(ConcreteTest t) {
            currentSince = System.nanoTime();
            current = t;
        }

        /** A test that runs too long is recorded as failed, and the process ends: a hung thread stays hung. */
        private void watchdog(long timeoutMillis) {
            Thread w = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ConcreteTest t = current;
                    if (t != null && (System.nanoTime() - currentSince) / 1_000_000 > timeoutMillis) {
                        record(new Outcome("FAIL", id(t), "hung: no result after " + timeoutMillis / 1000 + " s"));
                        out.flush();
                        Runtime.getRuntime().halt(INCOMPLETE);
                    }
                }
            }, "interop-watchdog");
            w.setDaemon(true);
            w.start();
        }

        /** SINT's log, Smack's and its console debugger's go to a file; the terminal gets one line per test. */
        private static void logTo(Path log) throws IOException {
            PrintStream file = new PrintStream(Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
                StandardCharsets.UTF_8);
            System.setOut(file);
            System.setErr(file);
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
            Handler handler = new StreamHandler(file, new SimpleFormatter()) {
                @Override
                public synchronized void publish(LogRecord rec) {
                    super.publish(rec);
                    flush();
                }
            };
            root.addHandler(handler);
            root.setLevel(Level.INFO);
        }

        /**
         * SINT has no port setting: its connection types are registered again with the address and port. The
         * WebSocket ones use the endpoint given (wss://...); without one, Smack looks it up at the domain (XEP-0156).
         * BOSH is there only with its URL (https://HOST:PORT/PATH).
         */
        private static void registerConnectionTypes(InetAddress address, int port, String webSocket, String bosh)
                throws Exception {
            for (String nick : CONNECTION_TYPES) {
                XmppConnectionManager.removeConnectionDescriptor(nick);
            }
            XmppConnectionManager.addConnectionDescriptor(
                XmppConnectionDescriptor.buildWith(XMPPTCPConnection.class, XMPPTCPConnectionConfiguration.class,
                        XMPPTCPConnectionConfiguration.Builder.class)
                    .withNickname("tcp")
                    .applyExtraConfiguration(b -> b.setHostAddress(address).setPort(port))
                    .build());
            XmppConnectionManager.addConnectionDescriptor(modular("modular", address, port, false));
            XmppConnectionManager.addConnectionDescriptor(modular("modular-nocompress", address, port, true));
            XmppConnectionManager.addConnectionDescriptor(webSocket("modular-websocket-java11", Java11WebSocketFactory.INSTANCE, webSocket));
            XmppConnectionManager.addConnectionDescriptor(webSocket("modular-websocket-okhttp", OkHttpWebSocketFactory.INSTANCE, webSocket));
            if (bosh != null) {
                URI u = URI.create(bosh);
                XmppConnectionManager.addConnectionDescriptor(
                    XmppConnectionDescriptor.buildWith(XMPPBOSHConnection.class, BOSHConfiguration.class,
                            BOSHConfiguration.Builder.class)
                        .withNickname("bosh")
                        .applyExtraConfiguration(b -> b.setUseHttps(u.getScheme().equals("https")).setFile(u.getPath())
                            .setHost(u.getHost()).setPort(u.getPort()))
                        .build());
            }
        }

        /** SINT's WebSocket descriptor (only the WebSocket transport module), with the endpoint set when there is one. */
        private static XmppConnectionDescriptor<?, ?, ?> webSocket(String nick, WebSocketFactory factory, String endpoint)
                throws Exception {
            return XmppConnectionDescriptor.buildWith(ModularXmppClientToServerConnection.class,
                    ModularXmppClientToServerConnectionConfiguration.class,
                    ModularXmppClientToServerConnectionConfiguration.Builder.class)
                .withNickname(nick)
                .applyExtraConfiguration(b -> {
                    b.removeAllModules();
                    XmppWebSocketTransportModuleDescriptor.Builder ws = XmppWebSocketTransportModuleDescriptor.getBuilder(b)
                        .setWebSocketFactory(factory);
                    if (endpoint != null) {
                        try {
                            ws.explicitlySetWebSocketEndpointAndDiscovery(endpoint, false);
                        } catch (URISyntaxException e) {
                            throw new IllegalArgumentException("--websocket " + endpoint + ": " + e.getMessage());
                        }
                    }
                    b.addModule(ws.build());
                })
                .build();
        }

        private static XmppConnectionDescriptor<?, ?, ?> modular(String nick, InetAddress address, int port,
                                                              boolean noCompression) throws Exception {
            return XmppConnectionDescriptor.buildWith(ModularXmppClientToServerConnection.class,
                    ModularXmppClientToServerConnectionConfiguration.class,
                    ModularXmppClientToServerConnectionConfiguration.Builder.class)
                .withNickname(nick)
                .applyExtraConfiguration(b -> {
                    b.setHostAddress(address).setPort(port);
                    if (noCompression) {
                        b.removeModule(CompressionModuleDescriptor.class);
                    }
                })
                .build();
        }

        /** SINT with a view of its results while it runs. */
        private final class Framework extends SmackIntegrationTestFramework {
            Framework(Configuration config) {
                super(config);
            }

            /** Records every result SINT has so far. */
            void collect(Runner r) {
                if (testRunResult == null) {
                    return;
                }
                for (SuccessfulTest t : testRunResult.getSuccessfulTests()) {
                    r.record(new Outcome("PASS", id(t.concreteTest), ""));
                }
                for (FailedTest t : testRunResult.getFailedTests()) {
                    r.record(new Outcome("FAIL", id(t.concreteTest), oneLine(t.failureReason)));
                }
                for (TestNotPossible t : testRunResult.getNotPossibleTests()) {
                    r.record(new Outcome("SKIP", id(t.concreteTest), "not possible: " + t.testNotPossibleException.getMessage()));
                }
            }

            Throwable impossibleClass(Class<?> c) {
                return testRunResult == null ? null : testRunResult.getImpossibleTestClasses().get(c);
            }
        }
    }

    /** Compares the outcomes with the expected list; prints the counts; non-zero when a listed test did not pass. */
    static final class Report {
        static int report(Map<String, String> o) throws IOException {
            Map<String, Outcome> got = readOutcomes(Path.of(need(o, "outcomes")));
            Expected expected = Expected.read(Path.of(need(o, "expected")));
            boolean strict = Boolean.parseBoolean(o.getOrDefault("strict", "false"));
            Map<String, Integer> counts = new TreeMap<>(Map.of("PASS", 0, "FAIL", 0, "SKIP", 0));
            got.values().forEach(oc -> counts.merge(oc.result(), 1, Integer::sum));

            Set<String> ran = Set.of(o.getOrDefault("connections", "tcp").split(","));
            List<String> regressions = new ArrayList<>();
            for (String id : expected.pass()) {
                Outcome oc = got.get(id);
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
                .map(Outcome::id).toList();
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

        /** Whether --tests, when given, names the test. */
        static boolean chosen(Map<String, String> o, String id) {
            return !o.containsKey("tests") || List.of(o.get("tests").split(",")).stream().anyMatch(t -> matches(t, id));
        }

        /** The connection type in a test's name, or the default one. */
        static String connectionOf(String id) {
            int slash = id.lastIndexOf('/');
            return slash < 0 ? DEFAULT_CONNECTION : id.substring(slash + 1);
        }

        /**
         * The pass lines become the tests that passed in this run (and the listed ones of connection
         * types it did not run); fail lines of tests that pass now go. Everything else stays as written.
         */
        static int update(Map<String, String> o) throws IOException {
            Path file = Path.of(need(o, "expected"));
            Map<String, Outcome> got = readOutcomes(Path.of(need(o, "outcomes")));
            Expected expected = Expected.read(file);
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
}
