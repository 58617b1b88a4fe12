package chorus.node.it;

import chorus.node.cli.Chorusctl;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node as an admin runs it: its own process, in single-machine mode with the local Cassandra it
 * starts itself. It prints a usable admin account, and a kill -9 of the node and of its Cassandra loses
 * no account that was acknowledged.
 */
class NodeProcessIT {
    static final Pattern ADMIN = Pattern.compile("admin account: (admin@\\S+)\\s+password: (\\S+)");
    final List<Process> started = new ArrayList<>();
    Path dataDir;

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        killCassandraOf(dataDir);
    }

    @Test
    void aNodeInSingleMachineModeServesItsAdminAndSurvivesKillMinus9() throws Exception {
        dataDir = Files.createTempDirectory("chorus-process");
        int c2s = TestNode.freePort();
        int tls = TestNode.freePort();
        int admin = TestNode.freePort();
        int artery = TestNode.freePort();
        List<String> cmd = command(c2s, tls, admin, artery);

        Started first = launch(cmd);
        Matcher m = first.admin;
        assertNotNull(m, "no admin account printed");
        String adminJid = m.group(1);
        String adminPassword = m.group(2);
        assertEquals("admin@chorus.test", adminJid);

        TestNode.Endpoint endpoint = new TestNode.Endpoint(c2s, dataDir);
        XMPPTCPConnection c = Clients.login(endpoint, "admin", adminPassword, "console");
        c.disconnect();
        assertEquals(0, ctl(admin, "user", "add", "survivor", "still-here"));

        // kill -9 of the node and of its Cassandra right after the acknowledgement
        first.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        killCassandraOf(dataDir);

        Started second = launch(cmd);
        assertTrue(second.output.contains("admin account: admin@chorus.test exists"), second.output);
        Clients.login(endpoint, "survivor", "still-here", "x").disconnect();
        Clients.login(endpoint, "admin", adminPassword, "x").disconnect();
    }

    List<String> command(int c2s, int tls, int admin, int artery) {
        return NodeProcess.command(Map.of(
            "chorus.domain", "chorus.test", "chorus.bind", "127.0.0.1",
            "chorus.data-dir", dataDir.toString(), "chorus.c2s.port", "" + c2s, "chorus.c2s.tls-port", "" + tls,
            "chorus.admin.port", "" + admin, "chorus.cluster.port", "" + artery,
            "chorus.cassandra.local.cql-port", "19442", "chorus.cassandra.local.storage-port", "17400",
            "chorus.cassandra.local.heap", "512M"));
    }

    record Started(Process process, String output, Matcher admin) {
    }

    Started launch(List<String> cmd) throws Exception {
        NodeProcess p = NodeProcess.launch(cmd, Map.of());
        started.add(p.process);
        Matcher m = ADMIN.matcher(p.output);
        return new Started(p.process, p.output, m.find() ? m : null);
    }

    int ctl(int adminPort, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir=" + dataDir;
        all[1] = "--admin-port=" + adminPort;
        System.arraycopy(args, 0, all, 2, args.length);
        return Chorusctl.run(all, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    static void killCassandraOf(Path dataDir) throws IOException {
        if (dataDir == null) {
            return;
        }
        Path pidFile = dataDir.resolve("cassandra").resolve("cassandra.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().join();
            });
        }
    }
}
