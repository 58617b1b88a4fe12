package chorus.node.it;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's first command as a newcomer runs it: {@code scripts/run.sh} in a clean copy of this
 * checkout, with a local Maven repository that holds no {@code chorus:*} artifact and no Cassandra jars
 * fetched yet. The banner's admin account logs in with Smack (trusting only the certificate whose
 * fingerprint the banner printed), {@code scripts/chorusctl user add} makes a second account that logs
 * in too, and SIGTERM ends the node and its Cassandra cleanly. Nothing is installed into the repository.
 */
class FirstRunIT {
    static final Pattern ADMIN = Pattern.compile("admin account: (admin@localhost)\\s+password: (\\S+)");
    static final Pattern FINGERPRINT = Pattern.compile("certificate:\\s+SHA-256 ([0-9A-F:]+)");
    /** A start-up INFO line of the console pattern: the console shows the banner and warnings only. */
    static final Pattern INFO_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO ");
    static final long START_TIMEOUT_S = 900;

    Process node;
    Path copy;

    @AfterEach
    void stopLeftovers() throws Exception {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (copy != null) {
            NodeProcessIT.killCassandraOf(copy.resolve(".chorus/node"));
        }
    }

    @Test
    void theReadmesFirstCommandWorksInACleanCopyWithNoChorusArtifacts() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path work = Path.of("target", "first-run").toAbsolutePath();
        deleteTree(work);
        copy = work.resolve("chorus");
        copyCheckout(root, copy);
        Path repo = work.resolve("m2");
        cleanRepositoryCopy(mavenRepository(), repo);
        assertNoChorusArtifacts(repo);

        int c2s = TestNode.freePort();
        int tls = TestNode.freePort();
        int admin = TestNode.freePort();
        int cluster = TestNode.freePort();
        int s2s = TestNode.freePort();
        int s2sTls = TestNode.freePort();
        Map<String, String> env = Map.of(
            "MAVEN_OPTS", "-Dmaven.repo.local=" + repo,
            "CHORUS_CASSANDRA_LIB", work.resolve("cassandra-lib").toString(),
            "CHORUS_C2S_PORT", "" + c2s, "CHORUS_C2S_TLS_PORT", "" + tls,
            "CHORUS_ADMIN_PORT", "" + admin, "CHORUS_CLUSTER_PORT", "" + cluster,
            "CHORUS_S2S_PORT", "" + s2s, "CHORUS_S2S_TLS_PORT", "" + s2sTls);

        long t0 = System.nanoTime();
        ProcessBuilder pb = newcomer(copy, env, "scripts/run.sh");
        node = pb.start();
        node.getOutputStream().close(); // no standard input, as in CI
        Lines out = new Lines(node);
        String banner = out.until("Press Ctrl-C to stop.", START_TIMEOUT_S);
        System.out.printf("first-run: scripts/run.sh printed its banner after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (String line : banner.split("\n")) {
            assertFalse(INFO_LINE.matcher(line).find(), "the console shows start-up INFO logs:\n" + banner);
        }
        Matcher m = ADMIN.matcher(banner);
        assertTrue(m.find(), "no admin account in the banner:\n" + banner);
        Matcher f = FINGERPRINT.matcher(banner);
        assertTrue(f.find(), "no certificate fingerprint in the banner:\n" + banner);
        String fingerprint = f.group(1);

        login(c2s, fingerprint, "admin", m.group(2));

        Process ctl = newcomer(copy, env, "scripts/chorusctl", "user", "add", "alice@localhost", "correct horse").start();
        ctl.getOutputStream().close();
        String ctlOut = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ctl.waitFor(300, TimeUnit.SECONDS), "chorusctl did not finish");
        assertEquals(0, ctl.exitValue(), "chorusctl user add failed:\n" + ctlOut);
        login(c2s, fingerprint, "alice", "correct horse");

        long cassandraPid = Long.parseLong(
            Files.readString(copy.resolve(".chorus/node/cassandra/cassandra.pid")).strip());
        node.destroy(); // SIGTERM: run.sh exec'd the JVM, so this is the node itself
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "the node did not exit within 120 s of SIGTERM");
        String tail = out.drain();
        assertTrue(node.exitValue() == 0 || node.exitValue() == 143,
            "the node exited with " + node.exitValue() + ":\n" + tail);
        ProcessHandle.of(cassandraPid).ifPresent(h ->
            assertTrue(h.onExit().orTimeout(60, TimeUnit.SECONDS).handle((x, e) -> e == null).join(),
                "the node's Cassandra still runs after the node exited"));
        String log = Files.readString(copy.resolve(".chorus/node/logs/chorus.log"));
        assertTrue(log.contains("Local Cassandra (pid " + cassandraPid + ") stopped in"),
            "the local Cassandra did not stop cleanly:\n" + tail);
        assertFalse(log.contains("killing it"), "the local Cassandra had to be killed");
        assertNoChorusArtifacts(repo);
    }

    /** A process as a newcomer starts it: in the copy, with no CHORUS_ settings but the ports given. */
    static ProcessBuilder newcomer(Path dir, Map<String, String> env, String... command) {
        List<String> cmd = new ArrayList<>(List.of("bash"));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CHORUS_") || k.equals("JAVA_OPTS") || k.startsWith("MAVEN_"));
        pb.environment().putAll(env);
        return pb;
    }

    static void login(int port, String fingerprint, String user, String password) throws Exception {
        connect(port, fingerprint, user, password, "first-run").disconnect();
    }

    /** A logged-in Smack connection to the node on localhost:{@code port} that trusts only the banner's certificate. */
    static XMPPTCPConnection connect(int port, String fingerprint, String user, String password, String resource)
        throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain("localhost")
            .setHostAddress(InetAddress.getLoopbackAddress())
            .setPort(port)
            .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
            .setCustomX509TrustManager(pinned(fingerprint))
            .setUsernameAndPassword(user, password)
            .setResource(resource)
            .setConnectTimeout(10_000)
            .build());
        c.setReplyTimeout(20_000);
        try {
            c.connect().login();
            assertTrue(c.isAuthenticated(), user + " did not log in");
            return c;
        } catch (Exception | AssertionError e) {
            c.disconnect();
            throw e;
        }
    }

    /** Trusts exactly the certificate whose SHA-256 fingerprint the banner printed. */
    static X509TrustManager pinned(String fingerprint) {
        return new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    byte[] d = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
                    if (!HexFormat.ofDelimiter(":").withUpperCase().formatHex(d).equals(fingerprint)) {
                        throw new CertificateException("not the certificate the banner printed");
                    }
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new CertificateException(e);
                }
            }

            @Override public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    /** What git tracks in the checkout, plus files not yet committed (not ignored), as the working tree has them. */
    static void copyCheckout(Path root, Path to) throws Exception {
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
            "--exclude-standard").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String list = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, git.waitFor(), "git ls-files failed in " + root);
        int copied = 0;
        // A file in conflict during a merge is listed once per stage.
        for (String name : new java.util.LinkedHashSet<>(List.of(list.split("\0")))) {
            Path src = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(src)) {
                continue; // deleted in the working tree
            }
            Path dst = to.resolve(name);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            copied++;
        }
        assertTrue(copied > 100, "the checkout copy has only " + copied + " files");
    }

    static Path mavenRepository() {
        String local = System.getProperty("chorus.first-run.m2");
        return local != null ? Path.of(local) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Hard links (cheap, same file system) of the repository without its chorus/ group; a copy if links fail. */
    static void cleanRepositoryCopy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        if (!Files.isDirectory(from)) {
            return; // an empty repository: everything comes from Maven Central
        }
        try (Stream<Path> top = Files.list(from)) {
            for (Path p : top.filter(p -> !p.getFileName().toString().equals("chorus")).toList()) {
                Process cp = new ProcessBuilder("cp", "-al", p.toString(), to.toString()).inheritIO().start();
                if (cp.waitFor() != 0) {
                    assertEquals(0, new ProcessBuilder("cp", "-a", p.toString(), to.toString()).inheritIO().start().waitFor(),
                        "could not copy " + p);
                }
            }
        }
    }

    static void assertNoChorusArtifacts(Path repo) throws IOException {
        Path group = repo.resolve("chorus");
        if (Files.exists(group)) {
            try (Stream<Path> s = Files.walk(group)) {
                fail("the local Maven repository holds chorus artifacts: " + s.filter(Files::isRegularFile).toList());
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The process's merged output, read by a thread of its own. */
    static final class Lines {
        final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final StringBuilder seen = new StringBuilder();
        final Process process;

        Lines(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        System.out.println("first-run| " + line);
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "first-run-output");
            t.setDaemon(true);
            t.start();
        }

        String until(String last, long timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                String line = queue.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    if (!process.isAlive() && queue.isEmpty()) {
                        fail("scripts/run.sh exited with " + process.exitValue() + " before its banner:\n" + seen);
                    }
                    continue;
                }
                seen.append(line).append('\n');
                if (line.startsWith(last)) {
                    return seen.toString();
                }
            }
            fail("no banner within " + timeoutSeconds + " s:\n" + seen);
            return null;
        }

        String drain() throws InterruptedException {
            String line;
            while ((line = queue.poll(2, TimeUnit.SECONDS)) != null) {
                seen.append(line).append('\n');
            }
            return seen.toString();
        }
    }
}
