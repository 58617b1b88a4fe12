package chorus.persistence.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-machine mode's Cassandra: one node in a child JVM, data under a directory of the caller's.
 *
 * <p>There is one launcher implementation, {@code scripts/cassandra.sh}, packaged into this module's jar:
 * it resolves the server jars with Maven, finds a Java 17, writes {@code cassandra.yaml} and starts the JVM.
 * This class runs the script's {@code run} command as its child (the script exec's into the JVM, so the
 * child is Cassandra itself), waits until the script's CQL probe succeeds, and stops the node with SIGTERM
 * on {@link #close()}. A node a crashed launcher left running on the same data directory is taken over.
 */
public final class LocalCassandra implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalCassandra.class);

    /** Where the build puts {@code scripts/cassandra.sh} and its Maven pom inside the jar. */
    static final String LAUNCHER_RESOURCES = "chorus/persistence/cassandra/launcher/";
    /** {@code cassandra.sh run}'s exit status when a node already runs on the data directory. */
    private static final int ALREADY_RUNNING = 3;
    private static final Duration FETCH_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final ProcessHandle process;
    private final Path dataDirectory;
    private final InetSocketAddress contactPoint;
    private final Duration stopTimeout;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private LocalCassandra(ProcessHandle process, Path dataDirectory, int cqlPort, Duration stopTimeout,
            Duration startupTime) {
        this.process = process;
        this.dataDirectory = dataDirectory;
        this.contactPoint = InetSocketAddress.createUnresolved("127.0.0.1", cqlPort);
        this.stopTimeout = stopTimeout;
        this.startupTime = startupTime;
        // A JVM that exits without close() (Ctrl-C, SIGTERM) still stops its node cleanly.
        this.shutdownHook = new Thread(this::close, "local-cassandra-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a node (fetching the server jars first if they are missing) and returns once it answers CQL.
     * Throws when it does not within {@code settings.startTimeout()}; the half-started node is stopped then.
     */
    public static LocalCassandra start(CassandraSettings.Local settings, Path dataDirectory) throws IOException {
        Path data = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(data.resolve("logs"));
        Launcher launcher = new Launcher(extractLauncher(data), data, environment(settings, data));
        long t0 = System.nanoTime();
        try {
            launcher.fetch();
            // Busy before we start: either our node left running (run exits with ALREADY_RUNNING) or a stranger.
            boolean portTaken = listening(settings.cqlPort());
            Process child = launcher.run();
            ProcessHandle node = child.toHandle();
            boolean adopted = false;
            long deadline = t0 + settings.startTimeout().toNanos();
            while (true) {
                if (!adopted && !child.isAlive()) {
                    if (child.exitValue() != ALREADY_RUNNING) {
                        throw new IOException("local Cassandra exited with status " + child.exitValue()
                                + " while starting; " + launcher.logTail());
                    }
                    node = launcher.recordedNode();
                    adopted = true;
                    log.warn("A local Cassandra (pid {}) was already running on {}; using it", node.pid(), data);
                }
                if (adopted && !node.isAlive()) {
                    throw new IOException("the local Cassandra found running exited; " + launcher.logTail());
                }
                // Until the script has exec'd into the JVM (or found our node running) an answer on the port
                // is not from this node.
                boolean ours = adopted || isCassandra(node);
                if (ours && portTaken && !adopted) {
                    throw new IOException("CQL port " + settings.cqlPort() + " is taken by another process");
                }
                if (ours && launcher.probe()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    stop(node, settings.stopTimeout());
                    throw new IOException("local Cassandra did not answer CQL on 127.0.0.1:" + settings.cqlPort()
                            + " within " + settings.startTimeout().toSeconds() + " s and was stopped; "
                            + launcher.logTail());
                }
                Thread.sleep(200);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            log.info("Local Cassandra answers CQL on 127.0.0.1:{} after {} ms (pid {}, profile {}, data {})",
                    settings.cqlPort(), took.toMillis(), node.pid(), settings.profile().scriptName(), data);
            return new LocalCassandra(node, data, settings.cqlPort(), settings.stopTimeout(), took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            launcher.stopStarted(settings.stopTimeout());
            throw new InterruptedIOException("interrupted while starting the local Cassandra");
        } catch (IOException | RuntimeException e) {
            launcher.stopStarted(settings.stopTimeout());
            throw e;
        }
    }

    private static boolean isCassandra(ProcessHandle process) {
        return process.info().commandLine().map(c -> c.contains("org.apache.cassandra.service.CassandraDaemon"))
                .orElse(false);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Where drivers connect: {@code 127.0.0.1:cql-port}. */
    public InetSocketAddress contactPoint() {
        return contactPoint;
    }

    /** The Cassandra JVM's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** From the start request until CQL answered (including a fetch of the jars). */
    public Duration startupTime() {
        return startupTime;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Stops the node: SIGTERM (Cassandra drains and flushes), waits up to the stop timeout, then kills it.
     * Returns once the process is gone. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran already; this stop is harmless twice
            }
        }
        long t0 = System.nanoTime();
        boolean wasRunning = process.isAlive();
        stop(process, stopTimeout);
        try {
            Path pidFile = dataDirectory.resolve("cassandra.pid");
            if (Files.exists(pidFile) && Files.readString(pidFile).strip().equals(Long.toString(process.pid()))) {
                Files.delete(pidFile);
            }
        } catch (IOException e) {
            log.warn("Could not remove the local Cassandra's pid file: {}", e.toString());
        }
        if (wasRunning) {
            log.info("Local Cassandra (pid {}) stopped in {} ms", process.pid(),
                    Duration.ofNanos(System.nanoTime() - t0).toMillis());
        }
    }

    private static void stop(ProcessHandle node, Duration timeout) {
        if (!node.isAlive()) {
            return;
        }
        node.destroy();
        try {
            try {
                node.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("Local Cassandra (pid {}) still runs {} s after SIGTERM; killing it",
                        node.pid(), timeout.toSeconds());
                node.destroyForcibly();
                node.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Local Cassandra (pid {}) did not exit: {}", node.pid(), e.toString());
        }
    }

    private static Map<String, String> environment(CassandraSettings.Local settings, Path data) {
        Map<String, String> env = new HashMap<>();
        env.put("CHORUS_CASSANDRA_DATA", data.toString());
        env.put("CHORUS_CASSANDRA_CQL_PORT", Integer.toString(settings.cqlPort()));
        env.put("CHORUS_CASSANDRA_STORAGE_PORT", Integer.toString(settings.storagePort()));
        env.put("CHORUS_CASSANDRA_PROFILE", settings.profile().scriptName());
        env.put("CHORUS_CASSANDRA_HEAP", settings.heap());
        settings.libDirectory().ifPresent(lib -> env.put("CHORUS_CASSANDRA_LIB", lib.toAbsolutePath().toString()));
        if (System.getenv("JAVA_HOME") == null) {
            // The script takes it if it is a Java 17 and looks elsewhere if not.
            env.put("JAVA_HOME", System.getProperty("java.home"));
        }
        return Map.copyOf(env);
    }

    /** Copies the launcher script and its pom from the jar to {@code data/launcher/}. */
    static Path extractLauncher(Path data) throws IOException {
        Path dir = data.resolve("launcher");
        Files.createDirectories(dir.resolve("cassandra"));
        for (String name : List.of("cassandra.sh", "cassandra/pom.xml")) {
            try (InputStream in = LocalCassandra.class.getClassLoader()
                    .getResourceAsStream(LAUNCHER_RESOURCES + name)) {
                if (in == null) {
                    throw new IOException(LAUNCHER_RESOURCES + name + " is missing from the classpath");
                }
                Path tmp = Files.createTempFile(dir, ".launcher", ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                // A rename: a shell still reading the old script keeps reading the old file.
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return dir.resolve("cassandra.sh");
    }

    /** Runs commands of the packaged {@code cassandra.sh} for one data directory. */
    private static final class Launcher {
        private final Path script;
        private final Path data;
        private final Map<String, String> env;
        private final Path consoleLog;
        private Process started;

        Launcher(Path script, Path data, Map<String, String> env) {
            this.script = script;
            this.data = data;
            this.env = env;
            this.consoleLog = data.resolve("logs").resolve("console.log");
        }

        private ProcessBuilder command(String command) {
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command).directory(data.toFile());
            pb.environment().putAll(env);
            return pb;
        }

        void fetch() throws IOException, InterruptedException {
            Process p = command("fetch").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile())).start();
            p.getOutputStream().close();
            if (!p.waitFor(FETCH_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("fetching the Cassandra jars took over " + FETCH_TIMEOUT.toMinutes() + " min");
            }
            if (p.exitValue() != 0) {
                throw new IOException("fetching the Cassandra jars failed; " + logTail());
            }
        }

        Process run() throws IOException {
            started = command("run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile())).start();
            started.getOutputStream().close();
            return started;
        }

        boolean probe() throws IOException, InterruptedException {
            Process p = command("probe").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(PROBE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        }

        ProcessHandle recordedNode() throws IOException {
            String pid = Files.readString(data.resolve("cassandra.pid")).strip();
            return ProcessHandle.of(Long.parseLong(pid))
                    .orElseThrow(() -> new IOException("the local Cassandra recorded as pid " + pid + " is gone"));
        }

        /** Stops the node this launcher started, after a failed start. */
        void stopStarted(Duration timeout) {
            if (started != null) {
                stop(started.toHandle(), timeout);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.exists(consoleLog) ? Files.readAllLines(consoleLog) : List.of();
                List<String> tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 30), lines.size()));
                return "logs in " + data.resolve("logs") + ", last lines of console.log:\n" + String.join("\n", tail);
            } catch (IOException e) {
                return "logs in " + data.resolve("logs");
            }
        }
    }
}
