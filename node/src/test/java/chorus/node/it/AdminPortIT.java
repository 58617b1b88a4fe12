package chorus.node.it;

import chorus.node.admin.AdminToken;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin port of a real node: {@code /metrics} as Prometheus scrapes it (names, no address in any label,
 * the token when the admin wants one), and {@code /alive} and {@code /ready}, with Cassandra going away
 * behind a relay and coming back.
 */
class AdminPortIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f:]*");

    static TcpProxy cassandra;
    static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        TestCassandra.requireRunning();
        cassandra = TcpProxy.start(TestCassandra.cqlPort());
        // Every message is archived, so that archive writes happen without a client setting preferences.
        node = TestNode.start(Map.of("chorus.cassandra.contact-points", List.of("127.0.0.1:" + cassandra.port()),
            "chorus.mam.default", "always"));
        node.createUser("qoriander", "engine");
        node.createUser("yzerwyn", "difference");
        node.createUser("xanthippe", "socrates");
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (cassandra != null) {
            cassandra.close();
        }
    }

    /** The node lease's meters, registered only where the lease is on (README "Cluster"). */
    static final String LEASE_METRICS = "chorus_cluster_lease_";

    /** The metric names the shipped Grafana dashboard asks for. */
    static java.util.Set<String> dashboardMetrics() throws java.io.IOException {
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("../cluster-config/grafana/chorus-dashboard.json"));
        Matcher used = Pattern.compile("\\b((chorus|cassandra|jvm|process|system)_[a-z0-9_]+)").matcher(dashboard);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (used.find()) {
            names.add(used.group(1));
        }
        return names;
    }

    static HttpResponse<String> get(TestNode n, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.node().settings().adminPort() + path))
            .timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> bearer(TestNode n) throws Exception {
        return Map.of("Authorization", "Bearer " + AdminToken.readFrom(n.dataDir()).value());
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static List<Sample> parse(String exposition) {
        List<Sample> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.find(), "not a sample line: " + line);
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    static double value(List<Sample> samples, String name, Predicate<Map<String, String>> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && labels.test(s.labels()))
            .mapToDouble(Sample::value).sum();
    }

    static boolean has(List<Sample> samples, String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    @Test
    void metricsNeedTheAdminTokenByDefault() throws Exception {
        HttpResponse<String> r = get(node, "/metrics", Map.of());
        assertEquals(401, r.statusCode());
        assertFalse(r.body().contains("chorus_"), "metrics leaked without the token");
        assertEquals(401, get(node, "/metrics", Map.of("Authorization", "Bearer wrong")).statusCode());
    }

    @Test
    void aScrapeShowsTheNodesMetersAndNoLabelHoldsAnAddressOrAJid() throws Exception {
        XMPPTCPConnection ada = Clients.login(node, "qoriander", "engine", "notes");
        try {
            // A message to an offline user: routing, the mailbox, the journal.
            ada.sendStanza(ada.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.entityBareFrom("yzerwyn@" + TestNode.DOMAIN)).setBody("the analytical engine").build());
            // Micrometer registers jvm_gc_pause_* at the first collection it is told of; the node runs in this
            // JVM, so a collection here makes sure the dashboard's GC panel has its series (a short run may have none).
            System.gc();
            List<Sample> samples = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = get(node, "/metrics", bearer(node));
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                samples = parse(r.body());
                if (value(samples, "chorus_entities", l -> "user".equals(l.get("entity"))) >= 1
                    && value(samples, "chorus_sessions", l -> "tcp".equals(l.get("transport"))) == 1
                    && has(samples, "jvm_gc_pause_seconds_sum")) {
                    break;
                }
                Thread.sleep(500);
            }
            assertEquals(1, value(samples, "chorus_sessions", l -> "tcp".equals(l.get("transport"))));
            assertEquals(1, value(samples, "chorus_connections", l -> true));
            assertEquals(1, value(samples, "chorus_cluster_members", l -> "up".equals(l.get("status"))));
            assertEquals(0, value(samples, "chorus_cluster_unreachable", l -> true));
            assertTrue(value(samples, "chorus_shards", l -> "user".equals(l.get("entity"))) >= 1);
            assertTrue(value(samples, "chorus_entities", l -> "user".equals(l.get("entity"))) >= 1);
            // Chorus's own driver session and the journal plugin's both report their requests.
            long sessions = samples.stream()
                .filter(s -> s.name().equals("cassandra_session_cql_requests_seconds_count") && s.value() > 0)
                .map(s -> s.labels().get("session")).distinct().count();
            assertTrue(sessions >= 2, "driver sessions with requests: " + sessions);
            assertTrue(has(samples, "cassandra_session_cql_requests_seconds_bucket"), "no request latency histogram");
            for (String name : List.of("chorus_logins_total", "chorus_stanzas_total", "chorus_routing_latency_seconds_bucket",
                "chorus_offline_stored_total", "chorus_offline_delivered_total", "chorus_mam_writes_total",
                "chorus_s2s_streams", "chorus_journal_failures_total", "jvm_memory_used_bytes", "jvm_threads_live_threads",
                "process_uptime_seconds", "process_cpu_usage")) {
                assertTrue(has(samples, name), "no " + name);
            }
            // The Grafana dashboard shipped in cluster-config/ asks only for metrics that exist.
            int names = 0;
            for (String name : dashboardMetrics()) {
                if (name.startsWith(LEASE_METRICS)) {
                    continue; // a node alone has no lease: LeaseFenceIT checks these on a cluster's node
                }
                assertTrue(has(samples, name), "the dashboard uses " + name + ", which no scrape has");
                names++;
            }
            assertTrue(names > 15, "the dashboard names " + names + " metrics");
            for (Sample s : samples) {
                for (Map.Entry<String, String> l : s.labels().entrySet()) {
                    String v = l.getValue();
                    String where = s.name() + "{" + l.getKey() + "=\"" + v + "\"}";
                    assertFalse(v.contains("@"), "a JID in " + where);
                    assertFalse(v.contains(TestNode.DOMAIN), "the domain in " + where);
                    assertFalse(IPV4.matcher(v).find(), "an IPv4 address in " + where);
                    assertFalse(IPV6.matcher(v).find(), "an IPv6 address in " + where);
                    assertFalse(v.contains("qoriander") || v.contains("yzerwyn"), "a user name in " + where);
                }
            }
        } finally {
            ada.disconnect();
        }
    }

    @Test
    void eachPlacedMeterMovesWhenItsEventHappens() throws Exception {
        List<Sample> before = scrape();
        XMPPTCPConnection sender = Clients.login(node, "xanthippe", "socrates", "agora");
        try {
            // To a user who is offline: a message in, stored offline, accepted (routing latency), archived both sides.
            sender.sendStanza(sender.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.entityBareFrom("yzerwyn@" + TestNode.DOMAIN)).setBody("know thyself").build());
            List<Sample> stored = awaitScrape(s -> grew(before, s, "chorus_offline_stored_total", l -> true, 1)
                && grew(before, s, "chorus_routing_latency_seconds_count", l -> true, 1)
                && grew(before, s, "chorus_mam_writes_total", l -> "ok".equals(l.get("result")), 2));
            assertTrue(grew(before, stored, "chorus_stanzas_total",
                l -> "in".equals(l.get("direction")) && "message".equals(l.get("kind")), 1));
            assertTrue(grew(before, stored, "chorus_stanzas_total",
                l -> "in".equals(l.get("direction")) && "presence".equals(l.get("kind")), 1));
            assertTrue(grew(before, stored, "chorus_stanzas_total",
                l -> "out".equals(l.get("direction")) && "iq".equals(l.get("kind")), 1));
            assertEquals(0, value(stored, "chorus_offline_delivered_total", l -> true)
                - value(before, "chorus_offline_delivered_total", l -> true));
            // The recipient comes online: the message is handed over, and goes out to its client.
            XMPPTCPConnection recipient = Clients.login(node, "yzerwyn", "difference", "study");
            try {
                awaitScrape(s -> grew(stored, s, "chorus_offline_delivered_total", l -> true, 1)
                    && grew(stored, s, "chorus_stanzas_total",
                    l -> "out".equals(l.get("direction")) && "message".equals(l.get("kind")), 1));
            } finally {
                recipient.disconnect();
            }
            // Cassandra goes away: a vCard the account's entity cannot journal restarts it, once counted.
            List<Sample> beforeCut = scrape();
            assertEquals(0, value(beforeCut, "chorus_journal_failures_total", l -> true)
                - value(before, "chorus_journal_failures_total", l -> true));
            cassandra.cut();
            try {
                org.jivesoftware.smackx.vcardtemp.packet.VCard card = new org.jivesoftware.smackx.vcardtemp.packet.VCard();
                card.setFirstName("Xanthippe");
                card.setType(org.jivesoftware.smack.packet.IQ.Type.set);
                sender.sendStanza(card);
                awaitScrape(s -> grew(beforeCut, s, "chorus_journal_failures_total",
                    l -> "user".equals(l.get("entity")), 1));
            } finally {
                cassandra.restore();
            }
            awaitReady(true, Duration.ofSeconds(60));
        } finally {
            sender.disconnect();
        }
    }

    static List<Sample> scrape() throws Exception {
        HttpResponse<String> r = get(node, "/metrics", bearer(node));
        assertEquals(200, r.statusCode());
        return parse(r.body());
    }

    static boolean grew(List<Sample> before, List<Sample> after, String name, Predicate<Map<String, String>> labels,
                        double by) {
        return value(after, name, labels) - value(before, name, labels) >= by;
    }

    static List<Sample> awaitScrape(Predicate<List<Sample>> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        List<Sample> s = scrape();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the meters did not move within 45 s");
            }
            Thread.sleep(250);
            s = scrape();
        }
        return s;
    }

    @Test
    void aScraperThatAsksForOpenMetricsGetsIt() throws Exception {
        Map<String, String> h = new HashMap<>(bearer(node));
        h.put("Accept", "application/openmetrics-text; version=1.0.0");
        HttpResponse<String> r = get(node, "/metrics", h);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(r.body().strip().endsWith("# EOF"));
    }

    @Test
    void withMetricsAuthNoneAScrapeNeedsNoToken() throws Exception {
        try (TestNode open = TestNode.start(Map.of("chorus.admin.metrics-auth", "none"))) {
            HttpResponse<String> r = get(open, "/metrics", Map.of());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("chorus_sessions"));
            // The admin API itself still wants the token.
            assertEquals(401, get(open, "/v1/sessions", Map.of()).statusCode());
        }
    }

    @Test
    void aliveAnswersAndReadyFollowsCassandra() throws Exception {
        assertEquals(200, get(node, "/alive", Map.of()).statusCode());
        awaitReady(true, Duration.ofSeconds(60));

        cassandra.cut();
        long t0 = System.nanoTime();
        HttpResponse<String> down = awaitReady(false, Duration.ofSeconds(30));
        System.out.printf("ready went false %d ms after Cassandra became unreachable: %s%n",
            (System.nanoTime() - t0) / 1_000_000, down.body().strip());
        assertTrue(down.body().contains("\"cassandra\":false"), down.body());
        assertTrue(down.body().contains("\"member\":true"), down.body());
        assertEquals(200, get(node, "/alive", Map.of()).statusCode(), "alive must not follow Cassandra");

        cassandra.restore();
        long t1 = System.nanoTime();
        awaitReady(true, Duration.ofSeconds(60));
        System.out.printf("ready again %d ms after Cassandra came back%n", (System.nanoTime() - t1) / 1_000_000);
    }

    static HttpResponse<String> awaitReady(boolean ready, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> r;
        do {
            r = get(node, "/ready", Map.of());
            if ((r.statusCode() == 200) == ready) {
                assertTrue(r.body().contains("\"ready\":" + ready), r.body());
                return r;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("/ready did not become " + ready + " within " + within + ": " + r.body());
    }
}
