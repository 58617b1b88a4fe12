package chorus.node.it.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real external component (XEP-0114): slixmpp's {@code ComponentXMPP} (Debian's python3-slixmpp) running
 * {@code peers/echo_component.py}, which echoes chat messages and accepts presence subscriptions. Smack
 * 4.4 has no component API; this is the maintained library the tests use instead.
 */
public final class PeerComponent implements AutoCloseable {
    private final PeerProcess process;

    private PeerComponent(PeerProcess process) {
        this.process = process;
    }

    /** Connects a component for {@code domain} to a server's component listener; returns once its handshake succeeded. */
    public static PeerComponent start(String domain, String secret, String host, int port, Path workDir) throws Exception {
        return start("echo_component.py", domain, secret, host, port, workDir);
    }

    /** As {@link #start(String, String, String, int, Path)}, running another script of {@code peers/}. */
    public static PeerComponent start(String scriptName, String domain, String secret, String host, int port,
                                      Path workDir) throws Exception {
        Path python = Files.isExecutable(Path.of("/usr/bin/python3")) ? Path.of("/usr/bin/python3") : PeerProcess.require("python3", "python3");
        Path script = Path.of("src", "test", "resources", "peers", scriptName).toAbsolutePath();
        Path log = Files.createTempFile(workDir, "component", ".log");
        PeerProcess p = PeerProcess.start("slixmpp component", List.of(python.toString(), script.toString(), domain, secret, host,
                String.valueOf(port)), Map.of(), workDir, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!p.output().contains("READY")) {
            if (!p.process.isAlive() || System.nanoTime() > deadline) {
                String out = p.output();
                p.close();
                throw new IllegalStateException("the component for " + domain + " did not connect"
                        + (out.contains("No module named") ? " (is Debian's python3-slixmpp installed?)" : "") + ":\n" + out);
            }
            Thread.sleep(100);
        }
        return new PeerComponent(p);
    }

    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }
}
