package chorus.loadtest;

import chorus.loadtest.provision.ChorusAdmin;
import chorus.loadtest.provision.ProvisionResult;
import chorus.loadtest.report.Report;
import chorus.loadtest.scenario.Chat;
import chorus.loadtest.scenario.Groupchat;
import chorus.loadtest.scenario.IdleSessions;
import chorus.loadtest.scenario.LoginStorm;
import chorus.loadtest.scenario.Mixed;
import chorus.loadtest.scenario.Offline;
import chorus.loadtest.scenario.PresenceStorm;
import chorus.loadtest.scenario.Scenario;
import chorus.loadtest.scenario.Sweep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario, briefly, against a real Chorus node through the generator's whole path (TLS, SCRAM,
 * the reports), checking that the counts it reports add up.
 */
class LoadScenariosIT {
    static final int USERS = 16;
    static InProcessChorus chorus;
    @TempDir
    static Path out;

    @BeforeAll
    static void startNodeAndCreateAccounts() throws Exception {
        chorus = InProcessChorus.start();
        TargetOptions t = target(0);
        ProvisionResult r = ChorusAdmin.of(chorus.adminUrl(), chorus.adminToken()).createAll(t.accounts(), 4, n -> { });
        assertEquals(USERS, r.created() + r.existing(), r.toString());
    }

    @AfterAll
    static void stop() {
        if (chorus != null) {
            chorus.close();
        }
    }

    static TargetOptions target(int port) {
        TargetOptions t = new TargetOptions();
        t.targets = List.of("127.0.0.1:" + port);
        t.domain = InProcessChorus.DOMAIN;
        t.users = USERS;
        t.prefix = "it";
        t.password = "it-password";
        t.threads = 2;
        t.setupTimeoutSeconds = 30;
        return t;
    }

    static Report run(Scenario scenario, String tls, String mechanism) throws Exception {
        return run(scenario, tls, mechanism, "tcp");
    }

    static Report run(Scenario scenario, String tls, String mechanism, String transport) throws Exception {
        boolean ws = transport.equals("websocket");
        TargetOptions t = target(ws ? chorus.httpPort() : "direct".equals(tls) ? chorus.tlsPort() : chorus.c2sPort());
        t.transport = transport;
        t.tls = tls;
        t.mechanism = mechanism;
        RunOptions o = new RunOptions();
        o.out = out;
        o.label = "chorus";
        o.loginRate = 0;
        o.maxTimeSeconds = 60;
        o.serverPids = List.of("chorus=" + ProcessHandle.current().pid());
        o.chorusAdmin = chorus.adminUrl();
        o.chorusToken = chorus.adminToken();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Runner.Outcome outcome = Runner.run(t, o, scenario, new PrintStream(progress, true));
        Report r = outcome.report();
        assertTrue(outcome.completed(), () -> "did not complete: " + r.notes + "\n" + progress);
        assertTrue(r.notes.stream().noneMatch(n -> n.startsWith("the scenario failed")), () -> r.notes.toString());
        for (String f : List.of("summary.txt", "result.json", "report.html")) {
            assertTrue(Files.size(outcome.directory().resolve(f)) > 100, f);
        }
        return r;
    }

    static long n(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Number, () -> key + " in " + m);
        return ((Number) v).longValue();
    }

    @Test
    void aLoginStormWithScramSha1OverStartTlsLogsEveryoneIn() throws Exception {
        Report r = run(new LoginStorm(false), "starttls", "SCRAM-SHA-1");
        assertEquals(USERS, n(r.figures, "logins_ok"));
        assertEquals(0, n(r.figures, "logins_failed"));
        assertEquals(USERS, r.latencies.get("setup.auth").getTotalCount());
    }

    @Test
    void idleSessionsOverDirectTlsWithScramSha256AreAllHeld() throws Exception {
        Report r = run(new IdleSessions(Duration.ZERO, Duration.ZERO, true, Duration.ZERO), "direct", "SCRAM-SHA-256");
        assertEquals(USERS, n(r.figures, "sessions_held"));
        assertEquals(USERS, n(r.figures, "sessions_at_end"));
        assertTrue(r.figures.containsKey("rss_per_session_kib"));
    }

    @Test
    void idleSessionsOverWebSocketAreAllHeld() throws Exception {
        Report r = run(new IdleSessions(Duration.ZERO, Duration.ZERO, true, Duration.ZERO), "direct", "SCRAM-SHA-1",
            "websocket");
        assertEquals(USERS, n(r.figures, "sessions_held"));
        assertEquals(USERS, n(r.figures, "sessions_at_end"));
        assertTrue(String.valueOf(r.params.get("transport")).contains("WebSocket"), r.params::toString);
        assertEquals(USERS, r.latencies.get("setup.auth").getTotalCount());
    }

    @Test
    void chatOverWebSocketCountsEveryMessageSentAsReceived() throws Exception {
        Report r = run(new Chat(200, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(5), 64),
            "direct", "SCRAM-SHA-1", "websocket");
        long sent = n(r.figures, "sent");
        assertEquals(200, sent);
        assertEquals(0, n(r.figures, "lost"), "every user is online: nothing may be lost");
        assertEquals(sent, n(r.figures, "received"));
        assertEquals(sent, r.latencies.get("message (measured window)").getTotalCount());
        assertTrue(String.valueOf(r.params.get("transport")).contains("WebSocket"), r.params::toString);
    }

    @Test
    void chatCountsEveryMessageSentAsReceivedOrLost() throws Exception {
        Report r = run(new Chat(200, Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(5), 64),
            "starttls", "PLAIN");
        long sent = n(r.figures, "sent");
        assertEquals(200, sent);
        assertEquals(sent, n(r.figures, "received") + n(r.figures, "lost"));
        assertEquals(0, n(r.figures, "lost"), "every user is online: nothing may be lost");
        assertEquals(sent, r.latencies.get("message (measured window)").getTotalCount());
    }

    @Test
    void aSweepReportsEachStepWithConsistentCounts() throws Exception {
        Report r = run(new Sweep(40, 2, 80, Duration.ofSeconds(1), Duration.ofSeconds(3), 10_000, 0, 0, 64),
            "starttls", "SCRAM-SHA-1");
        assertEquals(2, r.steps.size());
        for (Map<String, Object> step : r.steps) {
            assertEquals(n(step, "sent"), n(step, "received") + n(step, "lost"));
        }
        assertEquals(80, n(r.figures, "max_sustainable_rate_per_s"));
    }

    @Test
    void presenceMakesTheRostersAndCountsEachBroadcastsDeliveries() throws Exception {
        Report r = run(new PresenceStorm(4, 20, Duration.ofSeconds(1), 0.2, Duration.ofSeconds(5), Duration.ofSeconds(20)),
            "starttls", "SCRAM-SHA-1");
        assertEquals(n(r.figures, "roster_pairs_wanted"), n(r.figures, "roster_pairs_mutual"));
        assertEquals(3, r.steps.size());
        for (Map<String, Object> phase : r.steps) {
            assertEquals(n(phase, "expected"), n(phase, "delivered") + n(phase, "lost"), phase::toString);
            assertTrue(n(phase, "broadcasts") > 0, phase::toString);
        }
        assertTrue(n(r.figures, "status_changes_delivered") > 0);
    }

    @Test
    void offlineMessagesAreEachCollectedOrBouncedNeverSilentlyLost() throws Exception {
        Report r = run(new Offline(2, 50, Duration.ofSeconds(5)), "starttls", "SCRAM-SHA-1");
        long sent = n(r.figures, "sent");
        assertEquals(2L * (USERS / 2), sent);
        assertEquals(sent, n(r.figures, "received") + n(r.figures, "lost"));
        assertEquals(sent, n(r.figures, "received") + n(r.figures, "bounced"), "nothing vanished");
    }

    @Test
    void groupchatCountsEveryDeliveryToEveryOccupant() throws Exception {
        Report r = run(new Groupchat(2, 40, Duration.ofSeconds(1), Duration.ofSeconds(5), 64, null),
            "starttls", "SCRAM-SHA-1");
        assertEquals(USERS, n(r.figures, "occupants_joined"));
        long sent = n(r.figures, "messages_sent");
        assertEquals(40, sent);
        assertEquals(n(r.figures, "deliveries_expected"), n(r.figures, "deliveries") + n(r.figures, "deliveries_lost"));
        assertEquals(0, n(r.figures, "deliveries_lost"), "every occupant is online: nothing may be lost");
        assertTrue(n(r.figures, "deliveries") >= sent * (USERS / 2), "each message reaches its whole room");
    }

    @Test
    void aMixedLoadKeepsItsMessageCountsConsistent() throws Exception {
        Report r = run(new Mixed(100, Duration.ofSeconds(1), 0.75, 60, 15, 15, 10, Duration.ofSeconds(5)),
            "starttls", "SCRAM-SHA-1");
        long sent = n(r.figures, "messages_sent");
        assertTrue(sent > 0);
        assertEquals(sent, n(r.figures, "messages_received") + n(r.figures, "messages_lost"));
        assertTrue(n(r.figures, "roster_edits") > 0);
        // a user who left between the two edits never hears the answer
        assertTrue(n(r.figures, "roster_iqs_unanswered") <= n(r.figures, "churn_events"));
    }
}
