package chorus.node.cli;

import chorus.node.admin.AdminToken;
import chorus.node.config.Settings;
import chorus.node.config.SettingsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import chorus.persistence.cassandra.CassandraSessions;
import chorus.persistence.cassandra.CassandraSettings;
import chorus.persistence.cassandra.Schema;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** chorusctl: the admin's command line. It talks to the running node's admin API on loopback. */
@Command(name = "chorusctl", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Administer a running Chorus node.",
    subcommands = {UserCommand.class, InviteCommand.class, Chorusctl.Sessions.class, Chorusctl.SchemaCommand.class,
        Chorusctl.DiagnosticsCommand.class, Chorusctl.ClusterCommand.class, ClusterKeysCommand.class,
        Chorusctl.Cert.class, Chorusctl.CheckCommand.class, BackupCommand.class, PortableCommands.Export.class,
        PortableCommands.Import.class})
public final class Chorusctl {

    @Option(names = "--data-dir", description = "the node's data directory (default: chorus.data-dir / CHORUS_DATA_DIR)")
    Path dataDir;

    @Option(names = "--admin-port", description = "the node's admin port (default: chorus.admin.port / CHORUS_ADMIN_PORT)")
    Integer adminPort;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Chorusctl());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("chorusctl: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    /** A failure to show the admin as one line. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** Where the running node's admin API is, and the token it wants. */
    record Endpoint(String base, AdminToken token) {
        HttpRequest.Builder request(String path, Duration timeout) {
            return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Authorization", "Bearer " + token.value());
        }

        @Override
        public String toString() {
            return "Endpoint[" + base + "]";
        }
    }

    Endpoint endpoint() {
        Settings settings;
        try {
            settings = Settings.from(ConfigFactory.load());
        } catch (SettingsException e) {
            throw new Failure(e.getMessage());
        }
        Path dir = dataDir != null ? dataDir.toAbsolutePath() : settings.dataDir();
        int port = adminPort != null ? adminPort : settings.adminPort();
        AdminToken token;
        try {
            token = AdminToken.readFrom(dir);
        } catch (NoSuchFileException e) {
            throw new Failure("no node has run with data directory " + dir + " (no " + AdminToken.FILE
                + "); start one with scripts/run.sh or pass --data-dir");
        } catch (IOException e) {
            throw new Failure("cannot read " + dir.resolve(AdminToken.FILE) + ": " + e.getMessage());
        }
        java.net.InetAddress bind = settings.admin().bind();
        String host = bind.isAnyLocalAddress() ? "127.0.0.1"
            : bind instanceof java.net.Inet6Address ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress();
        return new Endpoint("http://" + host + ":" + port, token);
    }

    JsonNode call(String method, String path, ObjectNode body) {
        Endpoint endpoint = endpoint();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest.Builder req = endpoint.request(path, Duration.ofSeconds(30));
        ObjectMapper json = new ObjectMapper();
        try {
            req.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode answer = json.readTree(resp.body());
            if (resp.statusCode() >= 300) {
                throw new Failure(answer.path("error").asText("request failed with status " + resp.statusCode()));
            }
            return answer;
        } catch (ConnectException e) {
            throw notRunning(endpoint);
        } catch (IOException e) {
            throw new Failure("the node did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    static Failure notRunning(Endpoint endpoint) {
        return new Failure("no Chorus node answers on " + endpoint.base().substring("http://".length())
            + " (is it running? start it with scripts/run.sh)");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String password(String given) throws IOException {
        if (!"-".equals(given)) {
            return given;
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || line.isEmpty()) {
            throw new Failure("no password on standard input");
        }
        return line;
    }

    @Command(name = "sessions", description = "Count the client sessions (never their addresses).")
    static final class Sessions implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = root(spec).call("GET", "/v1/sessions", null);
            spec.commandLine().getOut().println("sessions: " + r.path("sessions").asInt());
            return 0;
        }
    }

    @Command(name = "check", description = "Look at the configuration, the certificate (names, expiry, chain, trust), "
        + "the domain's DNS records, the ports, Cassandra (reachable, schema version) and the cluster; print what is "
        + "wrong and how to fix it. Exit status 1 when something is broken.")
    static final class CheckCommand implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--dns", paramLabel = "HOST[:PORT]", description = "ask this DNS server (default: the system's resolvers)")
        String dns;
        @Option(names = "--ca", paramLabel = "FILE", description = "also trust the CA certificates in this PEM file (a private CA)")
        java.util.List<Path> cas = new java.util.ArrayList<>();
        @Option(names = "--skip", paramLabel = "AREA", split = ",",
            description = "leave out: config, certificate, dns, ports, cassandra, cluster")
        java.util.Set<String> skip = new java.util.HashSet<>();

        @Override
        public Integer call() {
            for (String a : skip) {
                if (!chorus.node.check.Check.AREAS.contains(a)) {
                    throw new Failure("--skip " + a + ": not one of " + new java.util.TreeSet<>(chorus.node.check.Check.AREAS));
                }
            }
            Chorusctl root = root(spec);
            chorus.node.check.Findings f = chorus.node.check.Check.run(ConfigFactory.load(),
                new chorus.node.check.Check.Options(dns, cas, skip, root.dataDir == null ? null : root.dataDir.toAbsolutePath(),
                    () -> {
                        try {
                            return root.call("GET", "/v1/cluster", null);
                        } catch (Failure e) {
                            return null;
                        }
                    }));
            f.print(spec.commandLine().getOut());
            return f.count(chorus.node.check.Finding.Level.FAIL) == 0 ? 0 : 1;
        }
    }

    @Command(name = "cert", description = "The node's TLS certificate.", subcommands = Cert.Reload.class)
    static final class Cert {

        @Command(name = "reload", description = "Read the certificate and key files again (after a renewal): new "
            + "connections get the new certificate, established ones keep theirs. Same as SIGHUP to the node.")
        static final class Reload implements Callable<Integer> {
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                JsonNode r = root(spec).call("POST", "/v1/tls/reload", null);
                spec.commandLine().getOut().println("reloaded: " + r.path("subject").asText() + ", valid until "
                    + r.path("notAfter").asText() + ", SHA-256 " + r.path("sha256").asText());
                return 0;
            }
        }
    }

    @Command(name = "cluster", description = "The cluster's nodes: status, shards and entities, sessions (counts only).")
    static final class ClusterCommand implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode r = root(spec).call("GET", "/v1/cluster", null);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-8s %-9s %-7s %12s %12s %9s%n", "NODE", "STATUS", "REACHABLE", "LEADER",
                "USER SHARDS", "ENTITIES", "SESSIONS");
            for (JsonNode m : r.path("members")) {
                out.printf("%-24s %-8s %-9s %-7s %12d %12d %9d%n", m.path("node").asText(), m.path("status").asText(),
                    m.path("reachable").asBoolean() ? "yes" : "NO", m.path("leader").asBoolean() ? "yes" : "",
                    m.path("usersShards").asInt(), m.path("usersEntities").asInt() + m.path("mailboxesEntities").asInt(),
                    m.path("sessions").asInt());
            }
            out.println("asked: " + r.path("self").asText());
            return 0;
        }
    }

    @Command(name = "diagnostics", description = "Delivery failures, newest first: who sent what kind of stanza to whom, "
        + "when and why (never what it said).")
    static final class DiagnosticsCommand implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--since", description = "an ISO-8601 instant, or a duration back from now like 24h or 3d (default: 7d)")
        String since;
        @Option(names = "--jid", description = "only records whose sender or recipient is this address")
        String jid;
        @Option(names = "--limit", defaultValue = "1000", description = "at most this many records (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            String from = since == null ? null : sinceInstant(since).toString();
            StringBuilder path = new StringBuilder("/v1/diagnostics?limit=").append(limit);
            if (from != null) {
                path.append("&since=").append(enc(from));
            }
            if (jid != null) {
                path.append("&jid=").append(enc(jid));
            }
            JsonNode r = root(spec).call("GET", path.toString(), null);
            PrintWriter out = spec.commandLine().getOut();
            int n = 0;
            for (JsonNode rec : r.path("records")) {
                out.printf("%s  %-8s %-12s %s -> %s  %s  (%s)%n", rec.path("at").asText(), rec.path("kind").asText(),
                    rec.path("type").asText(), rec.path("sender").asText("-"), rec.path("recipient").asText("-"),
                    rec.path("condition").asText(), rec.path("node").asText());
                n++;
            }
            out.println(n + " record(s)");
            return 0;
        }

        static java.time.Instant sinceInstant(String s) {
            try {
                return java.time.Instant.parse(s);
            } catch (java.time.format.DateTimeParseException notInstant) {
                try {
                    com.typesafe.config.Config c = ConfigFactory.parseString("d = " + s);
                    return java.time.Instant.now().minus(c.getDuration("d"));
                } catch (RuntimeException e) {
                    throw new Failure("--since takes an instant (2026-11-24T00:00:00Z) or a duration (24h, 3d), not '" + s + "'");
                }
            }
        }
    }

    @Command(name = "schema", description = "Cassandra schema.", subcommands = SchemaCommand.Apply.class)
    static final class SchemaCommand {

        @Command(name = "apply", description = "Create or update the keyspace and tables (idempotent). Talks to "
            + "Cassandra directly: chorus.cassandra.* / CHORUS_CASSANDRA_CONTACT_POINTS.")
        static final class Apply implements Callable<Integer> {
            @CommandLine.Spec CommandLine.Model.CommandSpec spec;
            @Option(names = "--contact-points", description = "host:port[,host:port...] (default: the configured ones)")
            String contactPoints;
            @Option(names = "--keyspace", description = "the keyspace (default: chorus.cassandra.keyspace)")
            String keyspace;

            @Override
            public Integer call() {
                com.typesafe.config.Config config = chorus.node.storage.NodeStorage.withEnvironmentContactPoints(
                    ConfigFactory.load());
                CassandraSettings settings = CassandraSettings.from(config);
                if (contactPoints != null) {
                    java.util.List<java.net.InetSocketAddress> points = new java.util.ArrayList<>();
                    for (String p : contactPoints.split(",")) {
                        points.add(CassandraSettings.contactPoint(p.trim()));
                    }
                    settings = settings.withContactPoints(points);
                }
                if (keyspace != null) {
                    settings = settings.withKeyspace(keyspace);
                }
                if (settings.contactPoints().isEmpty()) {
                    throw new Failure("no Cassandra contact points (set CHORUS_CASSANDRA_CONTACT_POINTS or --contact-points); "
                        + "a node with its own local Cassandra applies the schema itself at start");
                }
                try (com.datastax.oss.driver.api.core.CqlSession session = CassandraSessions.open(settings, config)) {
                    var ran = Schema.of(settings).apply(session);
                    spec.commandLine().getOut().println(ran.isEmpty()
                        ? "schema of keyspace " + settings.keyspace() + " is up to date"
                        : "applied " + ran.stream().map(Schema.Migration::resource).toList() + " to keyspace " + settings.keyspace());
                }
                return 0;
            }
        }
    }

    static Chorusctl root(CommandLine.Model.CommandSpec spec) {
        CommandLine c = spec.commandLine();
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return (Chorusctl) c.getCommand();
    }
}
