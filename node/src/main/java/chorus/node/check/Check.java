package chorus.node.check;

import chorus.actors.muc.MucSettings;
import chorus.actors.upload.UploadSettings;
import chorus.node.config.Settings;
import chorus.node.storage.NodeStorage;
import chorus.node.tls.TlsSettings;
import chorus.persistence.cassandra.CassandraSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * chorusctl check, like prosodyctl check: reads the configuration as the node does and looks at the
 * certificate, DNS, ports, Cassandra and the cluster, in that order; each problem comes with its fix.
 */
public final class Check {
    /** The areas, for --skip. */
    public static final Set<String> AREAS = Set.of("config", "certificate", "dns", "ports", "cassandra", "cluster");

    /**
     * @param dns        a resolver as {@code host[:port]}, or null for the system's
     * @param extraCas   PEM files of CAs to trust besides the JDK's (a private CA)
     * @param skip       areas not to check
     * @param dataDir    the node's data directory when given on the command line, else null
     * @param cluster    asks the running node's admin API for its cluster; null when no node answers
     */
    public record Options(String dns, List<Path> extraCas, Set<String> skip, Path dataDir, Supplier<JsonNode> cluster) {
    }

    private Check() {
    }

    public static Findings run(Config config, Options o) {
        Findings f = new Findings();
        List<Finding> first = new ArrayList<>();
        Settings s = ConfigCheck.read(config, first);
        f.addAll(first);
        if (s == null) {
            return f;
        }
        if (!o.skip().contains("config")) {
            f.addAll(ConfigCheck.run(s));
        }
        Path dataDir = o.dataDir() != null ? o.dataDir() : s.dataDir();
        String domain = s.domain().toString();
        UploadSettings upload = UploadSettings.from(s.config());
        MucSettings muc = MucSettings.from(s.config());
        String uploadHost = upload.offered() ? URI.create(upload.baseUrl(domain)).getHost() : null;
        if (!o.skip().contains("certificate")) {
            List<CertificateCheck.Name> names = new ArrayList<>();
            names.add(new CertificateCheck.Name(domain, true, "the XMPP domain"));
            if (uploadHost != null && !uploadHost.equals(domain)) {
                names.add(new CertificateCheck.Name(uploadHost, true, "clients fetch uploaded files from it"));
            }
            if (muc.enabled()) {
                names.add(new CertificateCheck.Name(muc.serviceDomain(domain), false, "chat rooms, for other servers"));
            }
            f.addAll(CertificateCheck.run(new TlsSettings(s.tlsCertificate(), s.tlsKey(), dataDir, domain), names,
                o.extraCas(), Instant.now()));
        }
        if (!o.skip().contains("dns")) {
            try {
                f.addAll(new DnsCheck(resolver(o.dns())).run(domain, s.c2s().port(), s.c2s().tlsPort(), uploadHost));
            } catch (UnknownHostException | IllegalArgumentException e) {
                f.add(Finding.fail("dns", "--dns " + o.dns() + " is not host[:port]", "give an IP address and port"));
            }
        }
        JsonNode cluster = o.skip().contains("cluster") && o.skip().contains("ports") ? null : o.cluster().get();
        boolean running = cluster != null;
        if (!running) {
            f.add(Finding.warn("node", "no node answers on the admin port: its ports are checked as free, the cluster not at all",
                "start the node (scripts/run.sh or systemctl start chorus) and check again"));
        }
        if (!o.skip().contains("ports")) {
            List<PortCheck.Port> ports = List.of(
                new PortCheck.Port("client (STARTTLS)", "chorus.c2s.port (CHORUS_C2S_PORT)", s.bind(), s.c2s().port(),
                    PortCheck.Kind.XMPP_STARTTLS),
                new PortCheck.Port("client (direct TLS)", "chorus.c2s.tls-port (CHORUS_C2S_TLS_PORT)", s.bind(),
                    s.c2s().tlsPort(), PortCheck.Kind.DIRECT_TLS),
                new PortCheck.Port("upload (HTTPS)", "chorus.upload.port (CHORUS_UPLOAD_PORT)", s.bind(),
                    upload.offered() ? upload.port() : 0, PortCheck.Kind.DIRECT_TLS),
                new PortCheck.Port("admin", "chorus.admin.port (CHORUS_ADMIN_PORT)", s.admin().bind(), running ? 0 : s.adminPort(),
                    PortCheck.Kind.PLAIN),
                new PortCheck.Port("cluster", "chorus.cluster.port (CHORUS_CLUSTER_PORT)", address(s.cluster().host()),
                    s.cluster().port(), PortCheck.Kind.PLAIN));
            f.addAll(PortCheck.run(ports, running));
        }
        if (!o.skip().contains("cassandra") && s.config().getString("chorus.storage").equals("cassandra")) {
            Config withEnv = NodeStorage.withEnvironmentContactPoints(s.config());
            f.addAll(CassandraCheck.run(CassandraSettings.from(withEnv), withEnv, running));
        }
        if (!o.skip().contains("cluster") && running) {
            f.addAll(ClusterCheck.run(cluster, s.cluster().seedNodes().size()));
        }
        return f;
    }

    private static java.net.InetAddress address(String host) {
        try {
            return java.net.InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return java.net.InetAddress.getLoopbackAddress();
        }
    }

    static Resolver resolver(String dns) throws UnknownHostException {
        if (dns == null || dns.isBlank()) {
            return Lookup.getDefaultResolver();
        }
        int colon = dns.lastIndexOf(':');
        boolean hasPort = colon > 0 && dns.indexOf(':') == colon;
        String host = hasPort ? dns.substring(0, colon) : dns.replace("[", "").replace("]", "");
        int port = hasPort ? Integer.parseInt(dns.substring(colon + 1)) : 53;
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(java.net.InetAddress.getByName(host), port));
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }
}
