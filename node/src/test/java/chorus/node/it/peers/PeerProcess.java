package chorus.node.it.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process a peer harness started (a peer server, its DNS server, one of their command-line tools):
 * output to a log file, waits on conditions, and an end that touches only this process and its
 * descendants, by PID.
 */
final class PeerProcess implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;

    private PeerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with stdin closed and stdout+stderr to {@code log}. */
    static PeerProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(devNull()));
        pb.environment().putAll(env);
        return new PeerProcess(name, pb.start(), log);
    }

    /** Runs a command to its end (at most {@code timeout}); returns its exit code and output. */
    static Result run(List<String> command, Map<String, String> env, Path workDir, Duration timeout) throws IOException {
        Path out = Files.createTempFile(workDir, "cmd", ".log");
        PeerProcess p = start(command.get(0), command, env, workDir, out);
        try {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.close();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout
                        + ": " + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.close();
            throw new IllegalStateException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    record Result(int code, String output) {}

    /** Waits until something accepts TCP connections on {@code ip:port}; fails early when the process dies. */
    void awaitPort(String ip, int port, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
                            + ip + ":" + port + "; its output:\n" + output());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " does not listen on " + ip + ":" + port + " after " + within
                            + "; its output:\n" + output());
                }
                Thread.sleep(100);
            }
        }
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Asks the process to end (SIGTERM), waits up to 15 s, then kills it and whatever it started. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** A TCP port in 20000..32000 that is free on {@code ip}, never one handed out before in this JVM. */
    static int freePort(String ip) throws IOException {
        return chorus.node.it.TestNode.freePort(ip);
    }

    /** The first executable called {@code name} on PATH, /usr/sbin or /sbin, or null. */
    static Path binary(String name) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin:/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static Path require(String name, String debianPackage) {
        Path p = binary(name);
        if (p == null) {
            throw new IllegalStateException("no " + name + " on this machine; the federation tests need the Debian package "
                    + debianPackage + " (scripts/test.sh installs it when it is missing: ensure_peers in scripts/lib.sh)");
        }
        return p;
    }

    /** Whether this test runs as root (Prosody must be told so; ejabberdctl then runs as the ejabberd account). */
    static boolean isRoot() {
        return "root".equals(ProcessHandle.current().info().user().orElse(""));
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }
}
