package chorus.node.it;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node on Java 25 through {@code scripts/run.sh} (scripts/node-jvm.sh): its first run records for the JVM's
 * ahead-of-time cache until its clean stop, the next start makes the cache and uses it (the JVM's own log says it
 * opened it), a third start uses the same cache, and neither the recording nor the cache holds an account name, a
 * password or a message of the traffic that trained them. Skipped where no Java 25 is installed
 * ({@code CHORUS_JAVA25_HOME}, else Temurin's Debian path), as test.sh's Java 25 step is.
 */
class AotCacheIT {
    static final String CANARY_USER = "aotcanary7q";
    static final String CANARY_PASSWORD = "canary-secret-4711";
    static final String CANARY_BODY = "canary-body-9931";

    Process node;
    Path dataDir;

    @AfterEach
    void stopLeftovers() throws Exception {
        if (node != null && node.isAlive()) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        NodeProcessIT.killCassandraOf(dataDir);
    }

    @Test
    void theFirstRunRecordsTheCacheTheNextUsesItAndItHoldsNoUserData() throws Exception {
        Path java25 = Path.of(System.getenv().getOrDefault("CHORUS_JAVA25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Assumptions.assumeTrue(Files.isExecutable(java25.resolve("bin/java")), "no Java 25 at " + java25);
        Path root = Path.of("").toAbsolutePath().getParent();
        Path work = Path.of("target", "aot-cache").toAbsolutePath();
        FirstRunIT.deleteTree(work);
        dataDir = work.resolve("data");
        Path aotLog = work.resolve("aot-second-start.log");
        int c2s = TestNode.freePort();
        Map<String, String> env = new HashMap<>(Map.of(
            "JAVA_HOME", java25.toString(), "CHORUS_DATA_DIR", dataDir.toString(),
            "CHORUS_C2S_PORT", "" + c2s, "CHORUS_C2S_TLS_PORT", "" + TestNode.freePort(),
            "CHORUS_ADMIN_PORT", "" + TestNode.freePort(), "CHORUS_CLUSTER_PORT", "" + TestNode.freePort(),
            "CHORUS_S2S_PORT", "0", "CHORUS_S2S_TLS_PORT", "0", "CHORUS_HTTP_PORT", "" + TestNode.freePort(),
            "JAVA_OPTS", "-Xms256m -Xmx1g"));

        // First run: records; the traffic is an admin login, an account made with chorusctl, and a message.
        String banner = start(root, env);
        assertTrue(banner.contains("run: recording for a JVM ahead-of-time cache"), banner);
        Matcher admin = FirstRunIT.ADMIN.matcher(banner);
        assertTrue(admin.find(), "no admin account in the banner:\n" + banner);
        Matcher f = FirstRunIT.FINGERPRINT.matcher(banner);
        assertTrue(f.find(), banner);
        String fingerprint = f.group(1);
        Process ctl = FirstRunIT.newcomer(root, env, "scripts/chorusctl", "user", "add", CANARY_USER + "@localhost",
            CANARY_PASSWORD).start();
        ctl.getOutputStream().close();
        String ctlOut = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ctl.waitFor(300, TimeUnit.SECONDS), "chorusctl did not finish");
        assertEquals(0, ctl.exitValue(), "chorusctl user add failed:\n" + ctlOut);
        messageTheAdmin(c2s, fingerprint, admin.group(2));
        List<String> secrets = List.of(CANARY_USER, CANARY_PASSWORD, CANARY_BODY, admin.group(2));
        stop(); // as Process.destroy() does: SIGTERM, and the node's output pipe closed at once
        Path recording = only(".aot.config");
        assertHoldsNone(recording, secrets);

        // Second start: makes the cache from the recording, uses it (the JVM's log says so), serves as before.
        env.put("JAVA_OPTS", "-Xms256m -Xmx1g -Xlog:aot=info:file=" + aotLog);
        banner = start(root, env);
        Path cache = only(".aot");
        assertTrue(banner.contains("run: making the JVM ahead-of-time cache"), banner);
        assertTrue(banner.contains("run: JVM ahead-of-time cache " + cache), banner);
        assertFalse(Files.exists(recording), "the recording was kept");
        FirstRunIT.login(c2s, fingerprint, CANARY_USER, CANARY_PASSWORD);
        stop();
        String log = Files.readString(aotLog);
        assertTrue(log.contains("Opened AOT cache " + cache), "the JVM did not open the cache:\n" + log);
        assertTrue(Files.size(cache) > 1 << 20, "the cache has only " + Files.size(cache) + " bytes");
        assertHoldsNone(cache, secrets);
        FileTime made = Files.getLastModifiedTime(cache);

        // Third start: the same cache, nothing recorded.
        banner = start(root, env);
        assertTrue(banner.contains("run: JVM ahead-of-time cache " + cache), banner);
        stop();
        assertEquals(made, Files.getLastModifiedTime(cache), "the cache was made again");
        assertEquals(cache, only(".aot"));
        try (Stream<Path> s = Files.list(dataDir.resolve("jvm"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".aot.config")), "a run with the cache recorded");
        }
    }

    static void assertHoldsNone(Path file, List<String> secrets) throws Exception {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
            assertFalse(text.contains(secret), file.getFileName() + " holds '" + secret + "'");
        }
    }

    String start(Path root, Map<String, String> env) throws Exception {
        node = FirstRunIT.newcomer(root, env, "scripts/run.sh").start();
        node.getOutputStream().close();
        return new FirstRunIT.Lines(node).until("Press Ctrl-C to stop.", FirstRunIT.START_TIMEOUT_S);
    }

    /** SIGTERM (run.sh exec'd the JVM); a recording run writes what it recorded before it exits. */
    void stop() throws Exception {
        node.destroy();
        assertTrue(node.waitFor(180, TimeUnit.SECONDS), "the node did not exit within 180 s of SIGTERM");
        assertTrue(node.exitValue() == 0 || node.exitValue() == 143, "the node exited with " + node.exitValue());
    }

    /** The one file of the node's jvm directory whose name ends with {@code suffix}. */
    Path only(String suffix) throws Exception {
        try (Stream<Path> s = Files.list(dataDir.resolve("jvm"))) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), suffix + ": " + found);
            return found.get(0);
        }
    }

    /** The canary account sends the admin a message; the admin receives it (so the chat path ran in this JVM). */
    static void messageTheAdmin(int port, String fingerprint, String adminPassword) throws Exception {
        XMPPTCPConnection adminC = FirstRunIT.connect(port, fingerprint, "admin", adminPassword, "aot");
        XMPPTCPConnection canary = FirstRunIT.connect(port, fingerprint, CANARY_USER, CANARY_PASSWORD, "aot");
        try {
            BlockingQueue<String> bodies = new ArrayBlockingQueue<>(4);
            adminC.addAsyncStanzaListener(s -> bodies.offer(String.valueOf(((Message) s).getBody())),
                s -> s instanceof Message m && m.getBody() != null);
            canary.sendStanza(StanzaBuilder.buildMessage().to(JidCreate.entityBareFrom("admin@localhost"))
                .ofType(Message.Type.chat).setBody(CANARY_BODY).build());
            String got = bodies.poll(30, TimeUnit.SECONDS);
            assertNotNull(got, "the admin received no message");
            assertEquals(CANARY_BODY, got);
        } finally {
            canary.disconnect();
            adminC.disconnect();
        }
    }
}
