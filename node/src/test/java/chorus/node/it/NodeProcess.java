package chorus.node.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Chorus node in a process of its own, as an admin runs it: the packaged jar, its logback.xml. */
final class NodeProcess implements AutoCloseable {
    final Process process;
    final String output;
    private final LinkedBlockingQueue<String> later;
    private final Thread reader;

    private NodeProcess(Process process, String output, LinkedBlockingQueue<String> later, Thread reader) {
        this.process = process;
        this.output = output;
        this.later = later;
        this.reader = reader;
    }

    /** What the node printed after it started, up to now. */
    String outputSinceStart() {
        if (!process.isAlive()) {
            try {
                reader.join(5000); // the last lines of a process that ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> lines = new ArrayList<>();
        later.drainTo(lines);
        return String.join("\n", lines);
    }

    /** The packaged node: its jar and its runtime libraries (built in the package phase, before this test). */
    static String classpath() {
        File target = new File("target");
        File[] jars = target.listFiles((d, n) -> n.startsWith("chorus-node-") && n.endsWith(".jar"));
        assertTrue(jars != null && jars.length > 0, "node/target has no chorus-node jar: run mvn package first");
        return jars[0].getAbsolutePath() + File.pathSeparator + new File(target, "lib").getAbsolutePath() + "/*";
    }

    /** java -D... chorus.node.cli.Main --create-admin, with these system properties and environment. */
    static List<String> command(Map<String, String> properties) {
        return command(properties, List.of("-Xmx512m"));
    }

    /**
     * As {@link #command(Map)} with these JVM options (a heap size, JMX) instead of the default heap. Like
     * every script that starts a node, the JVM exits on its first OutOfMemoryError.
     */
    static List<String> command(Map<String, String> properties, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(jvmOptions);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (!properties.containsKey("chorus.http.port")) {
            cmd.add("-Dchorus.http.port=0"); // no HTTPS listener unless a test asks for one
        }
        if (!properties.containsKey("chorus.s2s.port")) {
            cmd.add("-Dchorus.s2s.enabled=false"); // no federation and no s2s listeners unless a test asks for them
            cmd.add("-Dchorus.s2s.port=0");
            cmd.add("-Dchorus.s2s.tls-port=0");
        }
        cmd.addAll(List.of("-cp", classpath(), "chorus.node.cli.Main", "--create-admin"));
        return cmd;
    }

    /** Starts the node and waits until it says it runs. */
    static NodeProcess launch(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHORUS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!p.isAlive()) {
                    throw new AssertionError("the node exited: " + out);
                }
                continue;
            }
            out.append(line).append('\n');
            if (line.startsWith("Press Ctrl-C to stop.")) {
                return new NodeProcess(p, out.toString(), lines, reader);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the node did not start in time: " + out);
    }

    /** SIGTERM, as Ctrl-C or systemd would stop it; waits for the exit. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
