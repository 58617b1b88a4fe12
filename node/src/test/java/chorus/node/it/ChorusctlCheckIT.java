package chorus.node.it;

import chorus.node.check.Check;
import chorus.node.check.Finding;
import chorus.node.check.Findings;
import chorus.node.tls.SelfSignedCertificate;
import chorus.node.tls.TlsIdentity;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chorusctl check against a deliberately broken setup, which it must take apart problem by problem, each
 * with its fix, and against a good one (a running node, a CA-issued certificate, the SRV records served by
 * dnsmasq), which must pass without a warning.
 */
class ChorusctlCheckIT {
    static final String DOMAIN = TestNode.DOMAIN;

    static String print(Findings f) {
        StringWriter w = new StringWriter();
        f.print(new PrintWriter(w, true));
        return w.toString();
    }

    static void assertFinding(Findings f, Finding.Level level, String area, String text) {
        assertTrue(f.all().stream().anyMatch(x -> x.level() == level && x.area().equals(area) && x.message().contains(text)
                && (level == Finding.Level.OK || !x.fix().isBlank())),
            "expected " + level + " " + area + " '" + text + "' with a fix in:\n" + print(f));
    }

    @Test
    void aGoodSetupPassesWithoutAWarning() throws Exception {
        Path dir = Files.createTempDirectory("chorus-check-good");
        KeyPair caKeys = ec();
        X509Certificate ca = certificate("CN=Chorus Test CA", caKeys, "CN=Chorus Test CA", caKeys, true, List.of(),
            Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)));
        KeyPair leafKeys = ec();
        X509Certificate leaf = certificate("CN=" + DOMAIN, leafKeys, "CN=Chorus Test CA", caKeys, false,
            List.of(DOMAIN, "*." + DOMAIN), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)));
        Path cert = pem(dir.resolve("fullchain.pem"), leaf, ca);
        Path key = pem(dir.resolve("privkey.pem"), new JcaPKCS8Generator(leafKeys.getPrivate(), null));
        Path caFile = pem(dir.resolve("ca.pem"), ca);

        Map<String, Object> overrides = new HashMap<>();
        overrides.put("chorus.tls.certificate", cert.toString());
        overrides.put("chorus.tls.key", key.toString());
        try (TestNode node = TestNode.start(overrides);
             Dnsmasq dns = Dnsmasq.start("127.0.0.31", DOMAIN, List.of(
                 "--host-record=" + DOMAIN + ",127.0.0.1",
                 "--host-record=xmpp." + DOMAIN + ",127.0.0.1",
                 "--srv-host=_xmpp-client._tcp." + DOMAIN + ",xmpp." + DOMAIN + "," + node.c2sPort(),
                 "--srv-host=_xmpps-client._tcp." + DOMAIN + ",xmpp." + DOMAIN + "," + node.tlsPort()))) {
            Findings f = Check.run(node.config(), new Check.Options(dns.address(), List.of(caFile), Set.of(), null,
                () -> admin(node)));
            String out = print(f);
            System.out.println(out);
            assertEquals(0, f.count(Finding.Level.FAIL), out);
            assertEquals(0, f.count(Finding.Level.WARN), out);
            assertFinding(f, Finding.Level.OK, "certificate", "trusted");
            assertFinding(f, Finding.Level.OK, "dns", "_xmpp-client._tcp." + DOMAIN + " -> xmpp." + DOMAIN);
            assertFinding(f, Finding.Level.OK, "ports", "client (STARTTLS) port " + node.c2sPort() + " answers");
            assertFinding(f, Finding.Level.OK, "cassandra", "at schema version");
            assertFinding(f, Finding.Level.OK, "cluster", "1 member(s) up");
            assertTrue(dns.log().contains("query[SRV] _xmpp-client._tcp." + DOMAIN), "the check did not ask the given resolver");
        }
    }

    @Test
    void aBrokenSetupIsListedProblemByProblemWithFixes() throws Exception {
        Path dir = Files.createTempDirectory("chorus-check-broken");
        // Expired a year ago, and for another name.
        TlsIdentity old = SelfSignedCertificate.generate("other.example",
            Clock.fixed(Instant.now().minus(Duration.ofDays(11 * 366)), ZoneOffset.UTC));
        Path cert = pem(dir.resolve("cert.pem"), old.leaf());
        Path key = pem(dir.resolve("key.pem"), new JcaPKCS8Generator(old.key(), null));
        int c2s = TestNode.freePort();
        Map<String, Object> values = new HashMap<>();
        values.put("chorus.domain", DOMAIN);
        values.put("chorus.bind", "127.0.0.1");
        values.put("chorus.data-dir", dir.toString());
        values.put("chorus.c2s.port", c2s);
        values.put("chorus.c2s.tls-port", TestNode.freePort());
        values.put("chorus.upload.port", TestNode.freePort());
        values.put("chorus.admin.port", TestNode.freePort());
        values.put("chorus.cluster.port", TestNode.freePort());
        values.put("chorus.cluster.seed-nodes", "127.0.0.1:25520,127.0.0.2:25520");
        values.put("chorus.tls.certificate", cert.toString());
        values.put("chorus.tls.key", key.toString());
        values.put("chorus.cassandra.contact-points", List.of("127.0.0.1:" + TestCassandra.cqlPort()));
        values.put("chorus.cassandra.keyspace", TestCassandra.newKeyspace()); // never created
        Config config = ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()).resolve();
        try (ServerSocket squatter = new ServerSocket();
             Dnsmasq dns = Dnsmasq.start("127.0.0.32", DOMAIN, List.of(
                 "--srv-host=_xmpp-client._tcp." + DOMAIN + ",gone." + DOMAIN + "," + c2s))) {
            squatter.bind(new InetSocketAddress("127.0.0.1", c2s));
            Findings f = Check.run(config, new Check.Options(dns.address(), List.of(), Set.of(), null, () -> null));
            String out = print(f);
            System.out.println(out);
            assertFinding(f, Finding.Level.FAIL, "config", "no chorus.sasl.decoy-secret");
            assertFinding(f, Finding.Level.FAIL, "certificate", "does not name " + DOMAIN);
            assertFinding(f, Finding.Level.FAIL, "certificate", "expired on");
            assertFinding(f, Finding.Level.WARN, "certificate", "self-signed");
            assertFinding(f, Finding.Level.FAIL, "dns", "points at gone." + DOMAIN + ", which has no A/AAAA record");
            assertFinding(f, Finding.Level.WARN, "dns", "no _xmpps-client._tcp." + DOMAIN);
            assertFinding(f, Finding.Level.FAIL, "dns", "the upload host " + DOMAIN + " has no A/AAAA record");
            assertFinding(f, Finding.Level.FAIL, "ports", "client (STARTTLS) port " + c2s);
            assertFinding(f, Finding.Level.FAIL, "cassandra", "does not exist");
            assertFinding(f, Finding.Level.WARN, "node", "no node answers");
            assertTrue(out.contains("fix: run chorusctl schema apply"), out);
        }
    }

    @Test
    void anUnreachableCassandraIsAProblem() throws Exception {
        Map<String, Object> values = new HashMap<>();
        values.put("chorus.domain", DOMAIN);
        values.put("chorus.cassandra.contact-points", List.of("127.0.0.1:" + TestNode.freePort()));
        Config config = ConfigFactory.parseMap(values).withFallback(ConfigFactory.load()).resolve();
        Findings f = Check.run(config, new Check.Options(null, List.of(),
            Set.of("config", "certificate", "dns", "ports", "cluster"), null, () -> null));
        assertFinding(f, Finding.Level.FAIL, "cassandra", "no Cassandra node answers");
    }

    static com.fasterxml.jackson.databind.JsonNode admin(TestNode node) {
        StringWriter out = new StringWriter();
        try {
            String body = AdminHttp.get(node.dataDir(), node.node().settings().adminPort(), "/v1/cluster");
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys, boolean ca,
                                       List<String> dnsNames, Instant from, Instant to) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
            BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(to), new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
            : KeyUsage.digitalSignature));
        if (!dnsNames.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    static Path pem(Path file, Object... objects) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                p.writeObject(o);
            }
        }
        Files.writeString(file, w.toString());
        return file;
    }
}
