/*
 * The running half of scripts/interop.sh: runs SINT's tests that have no outcome yet, one class at a time (or all at
 * once), appending each outcome as it comes, with a watchdog for a test that hangs (see Interop for why SINT's own
 * main is not used). Compiled with Interop.java.
 *
 * Longer than most files (~450 lines): SINT's run, the watchdog and the recording of outcomes share the state of the
 * run in progress (the test running now, since when, the framework instance), which is what this class is.
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

/** Runs the tests that have no outcome yet, phase by phase, appending outcomes as they come. */
final class InteropRunner {
    private final Path outcomesFile;
    private final Map<String, Interop.Outcome> done;
    private final PrintStream out;
    private volatile ConcreteTest current;
    private volatile long currentSince;
    private volatile Framework active;
    static final String NEEDS_REGISTRATION = "needs account registration (XEP-0077), which the server does not offer";
    /** Held here: JUL keeps loggers weakly, and SINT may create its own after this one is collected. */
    private static final Logger SINT_LOGGER = Logger.getLogger(SmackIntegrationTestFramework.class.getName());

    private InteropRunner(Path outcomesFile, Map<String, Interop.Outcome> done, PrintStream out) {
        this.outcomesFile = outcomesFile;
        this.done = done;
        this.out = out;
    }

    static int run(Map<String, String> o) throws Exception {
        Path outcomes = Path.of(Interop.need(o, "outcomes"));
        Interop.Expected expected = Interop.Expected.read(Path.of(Interop.need(o, "expected")));
        List<String> connections = List.of(o.getOrDefault("connections", "tcp").split(","));
        for (String c : connections) {
            if (!Interop.CONNECTION_TYPES.contains(c)) {
                throw new IllegalArgumentException("unknown connection type " + c + "; known: " + Interop.CONNECTION_TYPES);
            }
        }
        long testTimeoutMillis = Long.parseLong(o.getOrDefault("test-timeout", "180")) * 1000;
        PrintStream terminal = System.out;
        logTo(Path.of(Interop.need(o, "log")));
        // Smack's OMEMO AES-GCM passes an IvParameterSpec, which the JDK's provider refuses and Bouncy Castle's takes
        // (the JCA moves on to the next provider when one refuses the parameters).
        java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        // SINT's OMEMO tests run only with an OmemoService registered (AbstractOmemoIntegrationTest).
        org.jivesoftware.smackx.omemo.signal.SignalOmemoService.acknowledgeLicense();
        org.jivesoftware.smackx.omemo.signal.SignalOmemoService.setup();
        boolean registration = configure(o);
        terminal.println("accounts: " + (registration
            ? "SINT registers its own (XEP-0077 in-band registration)"
            : "pre-created; low-level tests need registration and are skipped"));

        InteropRunner r = new InteropRunner(outcomes, Interop.readOutcomes(outcomes), terminal);
        r.listen();
        r.watchdog(testTimeoutMillis);
        List<Interop.Planned> plan = Interop.plan(connections);
        if (o.containsKey("tests")) {
            List<String> only = List.of(o.get("tests").split(","));
            plan = plan.stream().filter(p -> only.stream().anyMatch(t -> Interop.matches(t, p.id()))).toList();
        }
        for (Interop.Planned p : plan) {
            String why = expected.disabled(p.id());
            if (why != null) {
                r.record(new Interop.Outcome("SKIP", p.id(), "disabled in the expected list: " + why));
            } else if (!registration && isLowLevel(p)) {
                // Low-level tests log in on connections of their own, with accounts SINT creates.
                r.record(new Interop.Outcome("SKIP", p.id(), NEEDS_REGISTRATION));
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
        InetAddress address = InetAddress.getByName(Interop.need(o, "host"));
        int port = Integer.parseInt(Interop.need(o, "port"));
        String domain = Interop.need(o, "domain");
        registerConnectionTypes(address, port, o.get("websocket"), o.get("bosh"));
        System.setProperty("sinttest.defaultConnection", Interop.DEFAULT_CONNECTION);
        System.setProperty("sinttest.service", domain);
        System.setProperty("sinttest.securityMode", "required");
        boolean registration = switch (o.getOrDefault("registration", "auto")) {
            case "in-band" -> true;
            case "accounts" -> false;
            case "auto" -> offersRegistration(address, port, domain);
            default -> throw new IllegalArgumentException("--registration auto|in-band|accounts");
        };
        if (!registration) {
            List<String> users = List.of(Interop.need(o, "accounts").split(","));
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
    private void execute(List<Interop.Planned> plan, List<String> connections, boolean single) throws Exception {
        List<String> phases = new ArrayList<>(List.of(Interop.DEFAULT_CONNECTION));
        connections.stream().filter(c -> !phases.contains(c)).forEach(phases::add);
        Set<String> groups = new TreeSet<>();
        plan.forEach(p -> groups.add(single ? "" : p.testClass().getName()));
        for (String phase : phases) {
            for (String g : groups) {
                while (true) {
                    List<Interop.Planned> left = plan.stream().filter(p -> (single || p.testClass().getName().equals(g))
                        && phase.equals(p.connection()) && !done.containsKey(p.id())).toList();
                    if (left.isEmpty()) {
                        break;
                    }
                    runClass(phase, left);
                }
            }
        }
    }

    static boolean isLowLevel(Interop.Planned p) {
        return AbstractSmackLowLevelIntegrationTest.class.isAssignableFrom(p.testClass());
    }

    /** One SINT run over tests (of one class, usually) on one connection type; an abort ends it early. */
    private void runClass(String phase, List<Interop.Planned> tests) throws Exception {
        int before = done.size();
        Set<String> enabled = new TreeSet<>();
        for (Interop.Planned p : tests) {
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
            if (aborted != null && !done.containsKey(Interop.id(aborted))) {
                String text = String.valueOf(abort.getMessage());
                record(text.startsWith("Account registration not configured") || text.startsWith("Account creation no possible")
                    ? new Interop.Outcome("SKIP", Interop.id(aborted), NEEDS_REGISTRATION)
                    : new Interop.Outcome("FAIL", Interop.id(aborted), "aborted the SINT run: " + Interop.oneLine(abort)));
            } else if (aborted == null) {
                // Before any test: a test class's constructor threw, or the main accounts could not log in.
                Class<?> culprit = constructorThatThrew(abort, tests);
                if (culprit == null) {
                    throw new IllegalStateException("SINT stopped before any test ran: " + Interop.oneLine(abort), abort);
                }
                for (Interop.Planned p : tests) {
                    record(new Interop.Outcome("FAIL", p.id(), "the test class's constructor aborted the SINT run: " + Interop.oneLine(abort)));
                }
            }
            if (done.size() == before) {
                // Aborted after its tests (say in SINT's cleanup): the tests left cannot run either.
                for (Interop.Planned p : tests) {
                    record(new Interop.Outcome("FAIL", p.id(), "not run: the SINT run aborted: " + Interop.oneLine(abort)));
                }
            }
        }
        // A finished run that left a test without an outcome: SINT skipped it on its own.
        // (A constructor that threw TestNotPossibleException makes the whole class impossible.)
        if (abort == null) {
            for (Interop.Planned p : tests) {
                if (!done.containsKey(p.id())) {
                    Throwable why = sint.impossibleClass(p.testClass());
                    record(new Interop.Outcome("SKIP", p.id(), why != null ? "not possible: " + Interop.oneLine(why) : "SINT did not run it"));
                }
            }
        }
    }

    private static Class<?> constructorThatThrew(Throwable abort, List<Interop.Planned> tests) {
        for (Throwable t = abort; t != null; t = t.getCause()) {
            for (StackTraceElement f : t.getStackTrace()) {
                for (Interop.Planned p : tests) {
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
                    f.collect(InteropRunner.this);
                    started(t);
                } else if (msg.endsWith(" Success")) {
                    record(new Interop.Outcome("PASS", Interop.id(t), ""));
                } else if (msg.endsWith(" Failed") && rec.getThrown() != null) {
                    Throwable cause = rec.getThrown().getCause();
                    record(new Interop.Outcome("FAIL", Interop.id(t), Interop.oneLine(cause != null ? cause : rec.getThrown())));
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

    synchronized void record(Interop.Outcome oc) {
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
                    record(new Interop.Outcome("FAIL", Interop.id(t), "hung: no result after " + timeoutMillis / 1000 + " s"));
                    out.flush();
                    Runtime.getRuntime().halt(Interop.INCOMPLETE);
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
        for (String nick : Interop.CONNECTION_TYPES) {
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
        void collect(InteropRunner r) {
            if (testRunResult == null) {
                return;
            }
            for (SuccessfulTest t : testRunResult.getSuccessfulTests()) {
                r.record(new Interop.Outcome("PASS", Interop.id(t.concreteTest), ""));
            }
            for (FailedTest t : testRunResult.getFailedTests()) {
                r.record(new Interop.Outcome("FAIL", Interop.id(t.concreteTest), Interop.oneLine(t.failureReason)));
            }
            for (TestNotPossible t : testRunResult.getNotPossibleTests()) {
                r.record(new Interop.Outcome("SKIP", Interop.id(t.concreteTest), "not possible: " + t.testNotPossibleException.getMessage()));
            }
        }

        Throwable impossibleClass(Class<?> c) {
            return testRunResult == null ? null : testRunResult.getImpossibleTestClasses().get(c);
        }
    }
}
