package chorus.node.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dnsmasq as a test's own DNS server on a loopback address: no system configuration, no upstream, no hosts
 * file; authoritative for {@code zone} (names it does not list get NXDOMAIN). {@code records} are dnsmasq
 * options such as {@code --srv-host=...} and {@code --host-record=...}.
 */
final class Dnsmasq implements AutoCloseable {
    final String ip;
    final int port;
    private final Process process;
    private final Path log;

    private Dnsmasq(String ip, int port, Process process, Path log) {
        this.ip = ip;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static Dnsmasq start(String ip, String zone, List<String> records) throws Exception {
        int port = TestNode.freePort();
        List<String> cmd = new ArrayList<>(List.of(ClusterDnsIT.dnsmasqBinary(), "--keep-in-foreground",
            "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=", "--log-facility=-",
            "--log-queries", "--bind-interfaces", "--listen-address=" + ip, "--port=" + port, "--local=/" + zone + "/"));
        cmd.addAll(records);
        Path log = Files.createTempFile("chorus-dnsmasq", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 500);
                return new Dnsmasq(ip, port, p, log);
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("dnsmasq did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }

    String address() {
        return ip + ":" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
