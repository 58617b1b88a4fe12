package chorus.node.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterKeysTest {
    static final Clock CLOCK = Clock.systemUTC();

    @Test
    void aNodeCertificateIsSignedByTheClusterCaAndNamesTheCluster(@TempDir Path dir) throws Exception {
        ClusterKeys.createCa(dir.resolve("ca"), CLOCK);
        ClusterKeys.issueNode(dir.resolve("ca"), dir.resolve("n1"), "chorus-cluster", "node-1", CLOCK);
        ClusterKeys.check(dir.resolve("n1"), "setting");

        X509Certificate cert = PemFiles.readCertificates(dir.resolve("n1").resolve(ClusterKeys.CERT)).get(0);
        X509Certificate ca = PemFiles.readCertificates(dir.resolve("ca").resolve(ClusterKeys.CA)).get(0);
        cert.verify(ca.getPublicKey());
        assertTrue(cert.getSubjectX500Principal().getName().contains("CN=chorus-cluster"));
        assertEquals(List.of("chorus-cluster", "node-1"),
            cert.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n1").resolve(ClusterKeys.KEY))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca").resolve(ClusterKeys.CA_KEY))));
    }

    @Test
    void chorusctlMakesTheCaAndANodesKeyDirectory(@TempDir Path dir) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        java.io.PrintWriter o = new java.io.PrintWriter(out);
        java.io.PrintWriter e = new java.io.PrintWriter(err);
        assertEquals(0, chorus.node.cli.Chorusctl.run(new String[] {"cluster-keys", "ca", dir.resolve("ca").toString()}, o, e));
        assertEquals(0, chorus.node.cli.Chorusctl.run(new String[] {"cluster-keys", "node", "--ca", dir.resolve("ca").toString(),
            "--node-name", "n1", dir.resolve("n1").toString()}, o, e));
        ClusterKeys.check(dir.resolve("n1"), "s");
        assertEquals(1, chorus.node.cli.Chorusctl.run(new String[] {"cluster-keys", "ca", dir.resolve("ca").toString()}, o, e));
        assertTrue(err.toString().contains("already holds a cluster CA"), err.toString());
    }

    @Test
    void aSecondCaIsNotMadeOverTheFirst(@TempDir Path dir) {
        ClusterKeys.createCa(dir, CLOCK);
        assertThrows(TlsSetupException.class, () -> ClusterKeys.createCa(dir, CLOCK));
    }

    @Test
    void aCertificateOfAnotherCaFailsTheCheckNamingTheSetting(@TempDir Path dir) throws Exception {
        ClusterKeys.createCa(dir.resolve("ca1"), CLOCK);
        ClusterKeys.createCa(dir.resolve("ca2"), CLOCK);
        ClusterKeys.issueNode(dir.resolve("ca1"), dir.resolve("n"), "chorus-cluster", null, CLOCK);
        Files.copy(dir.resolve("ca2").resolve(ClusterKeys.CA), dir.resolve("n").resolve(ClusterKeys.CA),
            StandardCopyOption.REPLACE_EXISTING);
        TlsSetupException e = assertThrows(TlsSetupException.class, () -> ClusterKeys.check(dir.resolve("n"), "chorus.cluster.tls.dir"));
        assertTrue(e.getMessage().startsWith("chorus.cluster.tls.dir: "), e.getMessage());
        assertTrue(e.getMessage().contains("not signed by the CA"), e.getMessage());
    }

    @Test
    void aMissingKeyOrAnEcKeyFailsTheCheck(@TempDir Path dir) throws Exception {
        ClusterKeys.createCa(dir.resolve("ca"), CLOCK);
        ClusterKeys.issueNode(dir.resolve("ca"), dir.resolve("n"), "chorus-cluster", null, CLOCK);
        TlsIdentity ec = SelfSignedCertificate.generate("example.org", CLOCK);
        PemFiles.writePrivateKey(dir.resolve("n").resolve(ClusterKeys.KEY), ec.key());
        assertTrue(assertThrows(TlsSetupException.class, () -> ClusterKeys.check(dir.resolve("n"), "s"))
            .getMessage().contains("RSA keys only"));
        Files.delete(dir.resolve("n").resolve(ClusterKeys.KEY));
        assertTrue(assertThrows(TlsSetupException.class, () -> ClusterKeys.check(dir.resolve("n"), "s"))
            .getMessage().contains("does not exist"));
    }

    @Test
    void aNodeAloneMakesItsOwnKeysOnceAndKeepsThem(@TempDir Path dir) throws Exception {
        Path keys = ClusterKeys.ownKeys(dir.resolve("cluster-tls"), CLOCK);
        byte[] cert = Files.readAllBytes(keys.resolve(ClusterKeys.CERT));
        ClusterKeys.check(keys, "s");
        assertEquals(new String(cert), Files.readString(ClusterKeys.ownKeys(dir.resolve("cluster-tls"), CLOCK).resolve(ClusterKeys.CERT)));
    }
}
