package chorus.node.config;

import chorus.node.storage.NodeStorage;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each HOCON file of {@code cluster-config/} read as the node reads it ({@code -Dconfig.file} over the
 * modules' reference.conf, in a given environment), and the Pekko settings the node makes of it.
 */
class ClusterConfigFilesTest {
    static final Path DIR = Path.of("..", "cluster-config");
    static final String SECRET = "0123456789abcdef".repeat(4);

    /** What {@code ConfigFactory.load()} gives the node with this file and only these environment variables. */
    static Config load(String file, Map<String, String> env) {
        ConfigResolveOptions noSystemEnv = ConfigResolveOptions.defaults().setUseSystemEnvironment(false);
        Config environment = ConfigFactory.parseMap(env);
        // As ConfigFactory.load: reference.conf is resolved on its own, then the file is laid over it.
        Config reference = ConfigFactory.parseResources("reference.conf").withFallback(environment).resolve(noSystemEnv);
        Config parsed = ConfigFactory.parseFile(DIR.resolve(file).toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        return parsed.withFallback(reference).resolve(noSystemEnv);
    }

    static Settings settings(String file, Map<String, String> env) {
        return Settings.from(load(file, env));
    }

    /** The configuration the node's actor system starts with. */
    static Config pekko(Settings s) {
        return s.cluster().pekkoConfig().withFallback(s.config());
    }

    @Test
    void everyFileInClusterConfigIsCoveredHere() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            assertEquals(Set.of("single-node.conf", "local-cluster.conf", "seed-nodes.conf", "dns-cluster.conf"),
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).collect(Collectors.toSet()));
        }
    }

    @Test
    void singleNodeFormsAClusterOfItsOwnOnTheLoopbackInterface() {
        Settings s = settings("single-node.conf", Map.of("CHORUS_SEED_NODES", "10.0.0.1:25520"));
        assertTrue(s.cluster().alone(), "a single node joins no seeds, even when the environment names some");
        Config pekko = pekko(s);
        assertEquals("127.0.0.1", pekko.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25520, pekko.getInt("pekko.remote.artery.canonical.port"));
        assertEquals(List.of(), pekko.getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void localClusterJoinsTheLoopbackSeedsOrThoseTheScriptGives() {
        Settings three = settings("local-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "127.0.0.3"));
        assertEquals(List.of("pekko://chorus@127.0.0.2:25520", "pekko://chorus@127.0.0.3:25520", "pekko://chorus@127.0.0.4:25520"),
            pekko(three).getStringList("pekko.cluster.seed-nodes"));
        assertEquals("127.0.0.3", pekko(three).getString("pekko.remote.artery.canonical.hostname"));

        Settings two = settings("local-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "127.0.0.2",
            "CHORUS_SEED_NODES", "127.0.0.2:25520,127.0.0.3:25520"));
        assertEquals(List.of("pekko://chorus@127.0.0.2:25520", "pekko://chorus@127.0.0.3:25520"),
            pekko(two).getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void aLocalClusterHasAHundredShardsPerEntityTypeUnlessTheEnvironmentSaysOtherwise() {
        Settings local = settings("local-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "127.0.0.2"));
        assertEquals(100, pekko(local).getInt("pekko.cluster.sharding.number-of-shards"));
        Settings more = settings("local-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "127.0.0.2",
            "CHORUS_CLUSTER_SHARDS", "1000"));
        assertEquals(1000, pekko(more).getInt("pekko.cluster.sharding.number-of-shards"));
    }

    @Test
    void seedNodeClusterTakesHostSeedsCassandraAndSecretFromTheEnvironment() {
        Settings file = settings("seed-nodes.conf", Map.of("CHORUS_CLUSTER_HOST", "10.0.0.12"));
        assertEquals("example.org", file.domain().toString());
        assertEquals(ClusterSettings.Discovery.SEED_NODES, file.cluster().discovery());
        assertEquals(3, file.cluster().seedNodes().size());
        assertEquals("10.0.0.12", pekko(file).getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(3, file.config().getStringList("chorus.cassandra.contact-points").size());
        assertEquals(3, file.config().getInt("chorus.cassandra.replication.factor"));
        assertEquals("xmpp.example.org", file.c2s().seeOtherHost());

        Settings env = settings("seed-nodes.conf", Map.of("CHORUS_CLUSTER_HOST", "10.0.0.12", "CHORUS_DOMAIN", "chat.example.net",
            "CHORUS_SEED_NODES", "10.0.0.11:25520", "CHORUS_CASSANDRA_CONTACT_POINTS", "10.0.1.1:9042,10.0.1.2:9042",
            "CHORUS_SASL_DECOY_SECRET", SECRET, "CHORUS_SEE_OTHER_HOST", "chat.example.net"));
        assertEquals("chat.example.net", env.domain().toString());
        assertEquals(List.of("pekko://chorus@10.0.0.11:25520"), env.cluster().seedNodes());
        assertEquals(List.of("10.0.1.1:9042", "10.0.1.2:9042"),
            NodeStorage.withEnvironmentContactPoints(env.config()).getStringList("chorus.cassandra.contact-points"));
        assertEquals(SECRET, env.config().getString("chorus.sasl.decoy-secret"));
        assertEquals("chat.example.net", env.c2s().seeOtherHost());
    }

    @Test
    void dnsClusterStartsClusterBootstrapWithDnsSrvDiscovery() {
        Config pekko = pekko(settings("dns-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "10.0.0.12")));
        String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
        assertEquals("pekko-dns", pekko.getString(bootstrap + "discovery-method"));
        assertEquals("chorus.internal.example.org", pekko.getString(bootstrap + "service-name"));
        assertEquals("management", pekko.getString(bootstrap + "port-name"));
        assertEquals("tcp", pekko.getString(bootstrap + "protocol"));
        assertEquals(3, pekko.getInt(bootstrap + "required-contact-point-nr"));
        assertEquals("async-dns", pekko.getString("pekko.io.dns.resolver"));
        assertEquals("default", pekko.getString("pekko.io.dns.async-dns.nameservers"));
        assertEquals("10.0.0.12", pekko.getString("pekko.management.http.hostname"));
        assertEquals(8558, pekko.getInt("pekko.management.http.port"));
        assertEquals("10.0.0.12", pekko.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(List.of(), pekko.getStringList("pekko.cluster.seed-nodes"));
        // Kubernetes' probes (cluster-config/kubernetes) ask the health-check routes; readiness is membership.
        assertEquals("ready", pekko.getString("pekko.management.health-checks.readiness-path"));
        assertEquals("alive", pekko.getString("pekko.management.health-checks.liveness-path"));
        assertTrue(pekko.hasPath("pekko.management.health-checks.readiness-checks.cluster-membership"));
    }

    @Test
    void dnsClusterTakesServiceNameserversAndPortsFromTheEnvironment() {
        Config pekko = pekko(settings("dns-cluster.conf", Map.of("CHORUS_CLUSTER_HOST", "10.1.2.3",
            "CHORUS_DNS_SERVICE", "chorus.xmpp.svc.cluster.local", "CHORUS_DNS_NAMESERVERS", "10.96.0.10:53,10.96.0.11",
            "CHORUS_DNS_REQUIRED", "2", "CHORUS_MANAGEMENT_PORT", "8600")));
        String bootstrap = "pekko.management.cluster.bootstrap.contact-point-discovery.";
        assertEquals("chorus.xmpp.svc.cluster.local", pekko.getString(bootstrap + "service-name"));
        assertEquals(2, pekko.getInt(bootstrap + "required-contact-point-nr"));
        assertEquals(List.of("10.96.0.10:53", "10.96.0.11"), pekko.getStringList("pekko.io.dns.async-dns.nameservers"));
        assertEquals(8600, pekko.getInt("pekko.management.http.port"));
        assertEquals("10.1.2.3", pekko.getString("pekko.management.http.hostname"));

        Settings seeds = settings("dns-cluster.conf", Map.of("CHORUS_CLUSTER_DISCOVERY", "seed-nodes",
            "CHORUS_SEED_NODES", "10.0.0.11:25520"));
        assertEquals(ClusterSettings.Discovery.SEED_NODES, seeds.cluster().discovery());
    }

    @Test
    void theClusterLinkIsTlsWithMutualAuthenticationFromTheKeyDirectory(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Settings seeds = settings("seed-nodes.conf", Map.of("CHORUS_CLUSTER_TLS_DIR", tmp.resolve("keys").toString()));
        assertEquals(tmp.resolve("keys"), seeds.cluster().tlsDir());
        Config link = ClusterSettings.linkConfig(seeds.cluster().tlsDir()).withFallback(pekko(seeds));
        assertEquals("tls-tcp", link.getString("pekko.remote.artery.transport"));
        assertEquals("org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider",
            link.getString("pekko.remote.artery.ssl.ssl-engine-provider"));
        String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
        assertEquals(tmp.resolve("keys").resolve("tls.key").toString(), link.getString(engine + "key-file"));
        assertEquals(tmp.resolve("keys").resolve("tls.crt").toString(), link.getString(engine + "cert-file"));
        assertEquals(tmp.resolve("keys").resolve("ca.crt").toString(), link.getString(engine + "ca-cert-file"));
        assertEquals("TLSv1.3", link.getString(engine + "protocol"));
    }

    @Test
    void aNodeWithPeersAndNoClusterKeysDoesNotStartButANodeAloneMakesItsOwn(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Settings seeds = settings("seed-nodes.conf", Map.of());
        SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(SettingsException.class,
            () -> seeds.cluster().linkKeys(tmp, java.time.Clock.systemUTC()));
        assertTrue(e.getMessage().contains("CHORUS_CLUSTER_TLS_DIR"), e.getMessage());
        Settings single = settings("single-node.conf", Map.of());
        Path own = single.cluster().linkKeys(tmp, java.time.Clock.systemUTC());
        assertEquals(tmp.resolve("cluster-tls"), own);
        assertTrue(Files.exists(own.resolve("tls.key")) && Files.exists(own.resolve("ca.crt")));
    }

    /** Every CHORUS_ variable a deployment example names must be one a reference.conf reads, or it does nothing. */
    @Test
    void everyEnvironmentVariableTheExamplesSetIsOneTheNodeReads() throws IOException {
        Pattern read = Pattern.compile("\\$\\{\\?(CHORUS_[A-Z0-9_]+)}");
        Set<String> known = new TreeSet<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("reference.conf"))) {
            try (InputStream in = url.openStream()) {
                collect(read, new String(in.readAllBytes(), StandardCharsets.UTF_8), known);
            }
        }
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = f.getFileName().toString();
                if (name.equals("README.md") || name.equals("pom.xml")) {
                    continue;
                }
                collect(Pattern.compile("\\b(CHORUS_[A-Z0-9_]+)"), Files.readString(f), used);
            }
        }
        used.removeAll(known);
        assertEquals(Set.of(), used, "variables in cluster-config/ that no reference.conf reads");
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }
}
