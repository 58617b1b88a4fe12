package chorus.node.it.peers;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNS of a peer world: dnsmasq as the test's own child process (no system configuration, no
 * upstream, no hosts file, no pid file) answering for the world's domains only, and a hosts file with
 * the same A records for Prosody's libunbound ({@code unbound = { hoststxt = FILE }}).
 *
 * <p>Every domain gets an A record and an {@code _xmpp-server._tcp} SRV record (RFC 6120 §3.2.1) for
 * its s2s port. The SRV target is the server's IP literal rather than a host name: ejabberd 23.01
 * (p1_xmpp 1.6.1's {@code xmpp_stream_out:a_lookup}) resolves SRV targets with the system's
 * {@code getaddrinfo}, which only /etc/hosts or the system's DNS could answer, while it reads SRV
 * records through Erlang's resolver, which its {@code inetrc} points here; an IP literal needs no
 * lookup, and Prosody ({@code net.resolvers.basic}) and Chorus take it as the address too. Direct-TLS
 * ({@code _xmpps-server._tcp}, XEP-0368) records are added only where a test asks for them.
 */
public final class PeerDns implements AutoCloseable {
    /** One s2s listener: the domain it serves, its address and port. */
    public record Target(String domain, String ip, int port, boolean directTls) {}

    private final String ip;
    private final int port;
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> extraOptions = new ArrayList<>();
    private PeerProcess process;
    private Path hostsFile;

    public PeerDns(String ip) throws IOException {
        this.ip = ip;
        this.port = freeDnsPort(ip);
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    /** {@code ip@port}, libunbound's form of a forwarder. */
    String unboundForward() {
        return ip + "@" + port;
    }

    /** The hosts file with every A record (for libunbound's hoststxt). */
    Path hostsFile() {
        return hostsFile;
    }

    /** An A record for {@code domain} and an SRV record for its s2s port; call before {@link #start}. */
    public void add(Target target) {
        addresses.put(target.domain(), target.ip());
        targets.add(target);
    }

    /** An A record (dnsmasq's --host-record); call before {@link #start}. */
    public void host(String name, String address) {
        addresses.put(name, address);
    }

    /**
     * A raw SRV record ({@code name} like {@code _xmpp-server._tcp.example.org}); a null target publishes
     * "no service" (target "."); call before {@link #start}.
     */
    public void srv(String name, String target, int port, int priority, int weight) {
        extraOptions.add("--srv-host=" + name + (target == null ? "" : "," + target + "," + port + "," + priority + "," + weight));
    }

    public void start(Path directory) throws Exception {
        Path binary = PeerProcess.require("dnsmasq", "dnsmasq-base");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=", "--log-facility=-", "--log-queries",
                "--bind-interfaces", "--listen-address=" + ip, "--port=" + port, "--local=/example/"));
        StringBuilder hosts = new StringBuilder();
        addresses.forEach((domain, address) -> {
            cmd.add("--host-record=" + domain + "," + address);
            hosts.append(address).append(' ').append(domain).append('\n');
        });
        for (Target t : targets) {
            String service = t.directTls() ? "_xmpps-server._tcp." : "_xmpp-server._tcp.";
            cmd.add("--srv-host=" + service + t.domain() + "," + t.ip() + "," + t.port());
        }
        cmd.addAll(extraOptions);
        hostsFile = Files.writeString(directory.resolve("hosts.txt"), hosts.toString());
        process = PeerProcess.start("dnsmasq", cmd, Map.of(), directory, directory.resolve("dnsmasq.log"));
        process.awaitPort(ip, port, Duration.ofSeconds(10));
    }

    /** What dnsmasq logged (every query), for failure messages. */
    public String log() {
        return process == null ? "" : process.output();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    /** The first port from 15353 free on {@code ip} for both UDP and TCP (below 32768). */
    private static int freeDnsPort(String ip) throws IOException {
        for (int p = 15353; p < 15600; p++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(ip, p));
                 ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(ip, p));
                return p;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port for a DNS server on " + ip);
    }
}
