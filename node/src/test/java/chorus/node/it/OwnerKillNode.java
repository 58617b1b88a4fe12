package chorus.node.it;

import chorus.node.it.peers.PeerWorld;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One node process of {@link RemoteOwnerKillIT}'s two-node cluster of {@code chorus.example}, federating (s2s on, its
 * resolver the peer world's DNS, its trust the world's CA) with cluster TLS, started with the seeds given.
 */
final class OwnerKillNode {
    final String ip;
    final int index;
    final Path dataDir;
    final int adminPort = TestNode.freePort();
    final int c2sPort = TestNode.freePort();
    final int clusterPort;
    final int s2sPort = TestNode.freePort();
    NodeProcess process;

    OwnerKillNode(int index, String ip, int clusterPort) throws Exception {
        this.index = index;
        this.ip = ip;
        this.clusterPort = clusterPort;
        this.dataDir = Files.createTempDirectory("chorus-owner-kill-" + index);
    }

    void start(String seeds, String keyspace, Path[] pem, PeerWorld world, TestClusterKeys keys) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("chorus.domain", PeerWorld.CHORUS_DOMAIN);
        p.put("chorus.bind", ip);
        p.put("chorus.data-dir", dataDir.toString());
        p.put("chorus.c2s.port", "" + c2sPort);
        p.put("chorus.c2s.tls-port", "0");
        p.put("chorus.admin.port", "" + adminPort);
        p.put("chorus.cluster.host", ip);
        p.put("chorus.cluster.port", "" + clusterPort);
        p.put("chorus.cassandra.keyspace", keyspace);
        p.put("chorus.c2s.rate.stanzas-per-second", "0");
        p.put("chorus.c2s.rate.bytes-per-second", "0");
        p.put("chorus.tls.certificate", pem[0].toString());
        p.put("chorus.tls.key", pem[1].toString());
        p.put("chorus.s2s.enabled", "true");
        p.put("chorus.s2s.port", "" + s2sPort);
        p.put("chorus.s2s.tls-port", "0");
        p.put("chorus.s2s.trust.system-cas", "false");
        p.put("chorus.s2s.trust.ca-files.0", world.caFile().toString());
        p.put("chorus.s2s.resolver.nameservers", world.dns().ip() + ":" + world.dns().port());
        p.put("chorus.s2s.resolver.timeout", "3s");
        process = NodeProcess.launch(NodeProcess.command(p), Map.of(
            "CHORUS_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + TestCassandra.cqlPort(),
            "CHORUS_SEED_NODES", seeds, "CHORUS_CLUSTER_TLS_DIR", keys.node(index).toString()));
    }

    long pid() {
        return process.process.pid();
    }

    String ctl(String... args) {
        ChorusctlIT.Result r = ChorusctlIT.ctlAt(dataDir, adminPort, args);
        assertEquals(0, r.code(), r.err());
        return r.out();
    }

    int upMembers() {
        return (int) ctl("cluster").lines().filter(l -> l.contains(" Up ") && l.contains(" yes ")).count();
    }

    String seed() {
        return ip + ":" + clusterPort;
    }
}
