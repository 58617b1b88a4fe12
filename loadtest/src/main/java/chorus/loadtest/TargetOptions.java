package chorus.loadtest;

import chorus.loadtest.client.Accounts;
import chorus.loadtest.client.ClientConfig;
import chorus.loadtest.client.TlsMode;
import chorus.loadtest.client.Transport;
import chorus.loadtest.sasl.Mechanism;
import chorus.loadtest.sasl.SaltedPasswordCache;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Where to connect and as whom: the options every command shares. */
public final class TargetOptions {
    @Option(names = {"-t", "--target"}, split = ",", paramLabel = "HOST:PORT",
        description = "server address(es); users are spread over them round-robin (default 127.0.0.1:5222)")
    List<String> targets = new ArrayList<>(List.of("127.0.0.1:5222"));

    @Option(names = {"-d", "--domain"}, description = "the XMPP domain (default ${DEFAULT-VALUE})")
    String domain = "localhost";

    @Option(names = {"-n", "--users"}, description = "number of accounts PREFIX<first>.. (default ${DEFAULT-VALUE})")
    int users = 100;

    @Option(names = "--prefix", description = "account name prefix (default ${DEFAULT-VALUE})")
    String prefix = "load";

    @Option(names = "--first", description = "number of the first account (default ${DEFAULT-VALUE})")
    int first = 1;

    @Option(names = "--password", description = "the accounts' password (default: $LOADTEST_PASSWORD or ${DEFAULT-VALUE})")
    String password = System.getenv().getOrDefault("LOADTEST_PASSWORD", "load-test-pw");

    @Option(names = "--tls", description = "starttls, direct or none (default ${DEFAULT-VALUE})")
    String tls = "starttls";

    @Option(names = "--transport", description = "tcp, or websocket (RFC 7395: -t is then the HTTP listener, "
        + "--tls direct for wss:// or none for ws://) (default ${DEFAULT-VALUE})")
    String transport = "tcp";

    @Option(names = "--ws-path", description = "the WebSocket's path on the HTTP listener (default ${DEFAULT-VALUE})")
    String wsPath = ClientConfig.DEFAULT_WS_PATH;

    @Option(names = "--mechanism", description = "SCRAM-SHA-1, SCRAM-SHA-256 or PLAIN (default ${DEFAULT-VALUE})")
    String mechanism = "SCRAM-SHA-1";

    @Option(names = "--source", split = ",", paramLabel = "ADDR",
        description = "local source address(es) to connect from, round-robin; a.b.c.d-e for a range (e.g. 127.0.0.1-4)")
    List<String> sources = new ArrayList<>();

    @Option(names = "--tls-provider", description = "openssl (BoringSSL, when it loads), jdk, or auto (default ${DEFAULT-VALUE})")
    String tlsProvider = "auto";

    @Option(names = "--threads", description = "event loop threads (default: the number of cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--setup-timeout", description = "seconds a connection may take to log in (default ${DEFAULT-VALUE})")
    int setupTimeoutSeconds = 60;

    @Option(names = "--stream-management", description = "each session enables XEP-0198 after binding, acknowledges "
        + "what it receives and keeps what it sent until acknowledged (failover sends that again after its re-login)")
    boolean streamManagement;

    @Option(names = "--scram-cache", paramLabel = "FILE|memory|off",
        description = "keep SCRAM salted passwords (RFC 5802 §5.1): in a file across runs, in memory (default), or off")
    String scramCache = "memory";

    /** Opens the connector these options describe. */
    chorus.loadtest.client.Connector connector(ClientConfig config) throws UnknownHostException {
        io.netty.handler.ssl.SslProvider p = switch (tlsProvider) {
            case "jdk" -> io.netty.handler.ssl.SslProvider.JDK;
            case "openssl" -> io.netty.handler.ssl.SslProvider.OPENSSL;
            case "auto" -> io.netty.handler.ssl.OpenSsl.isAvailable() ? io.netty.handler.ssl.SslProvider.OPENSSL
                : io.netty.handler.ssl.SslProvider.JDK;
            default -> throw new IllegalArgumentException("--tls-provider is openssl, jdk or auto");
        };
        return new chorus.loadtest.client.Connector(config, targetAddresses(), sourceAddresses(), threads, p);
    }

    Accounts accounts() {
        return new Accounts(prefix, first, users, domain, password);
    }

    ClientConfig clientConfig() throws IOException {
        SaltedPasswordCache cache = switch (scramCache) {
            case "memory" -> SaltedPasswordCache.inMemory();
            case "off" -> SaltedPasswordCache.disabled();
            default -> SaltedPasswordCache.inFile(Path.of(scramCache));
        };
        return new ClientConfig(domain, TlsMode.parse(tls), Mechanism.parse(mechanism), cache,
            Duration.ofSeconds(setupTimeoutSeconds), Transport.parse(transport), wsPath, streamManagement);
    }

    List<InetSocketAddress> targetAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String t : targets) {
            int colon = t.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("a target is HOST:PORT, not '" + t + "'");
            }
            String host = t.substring(0, colon).replace("[", "").replace("]", "");
            InetSocketAddress a = new InetSocketAddress(host, Integer.parseInt(t.substring(colon + 1)));
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("cannot resolve " + host);
            }
            out.add(a);
        }
        return out;
    }

    List<InetAddress> sourceAddresses() throws UnknownHostException {
        return parseSources(sources);
    }

    /** Addresses and IPv4 ranges like 127.0.0.2-9 (the last octet varies). */
    static List<InetAddress> parseSources(List<String> specs) throws UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        for (String s : specs) {
            int dash = s.indexOf('-');
            if (dash < 0) {
                out.add(InetAddress.getByName(s));
                continue;
            }
            String from = s.substring(0, dash);
            int lastDot = from.lastIndexOf('.');
            int lo = Integer.parseInt(from.substring(lastDot + 1));
            int hi = Integer.parseInt(s.substring(dash + 1));
            if (lastDot < 0 || hi < lo || hi > 255) {
                throw new IllegalArgumentException("bad source range '" + s + "'");
            }
            for (int i = lo; i <= hi; i++) {
                out.add(InetAddress.getByName(from.substring(0, lastDot + 1) + i));
            }
        }
        return out;
    }
}
