package chorus.loadtest;

import chorus.loadtest.client.ClientConfig;
import chorus.loadtest.client.Connector;
import chorus.loadtest.metrics.Metrics;
import chorus.loadtest.metrics.ProcessProbe;
import chorus.loadtest.metrics.Sampler;
import chorus.loadtest.provision.ChorusAdmin;
import chorus.loadtest.report.HtmlReport;
import chorus.loadtest.report.JsonReport;
import chorus.loadtest.report.Report;
import chorus.loadtest.report.TextSummary;
import chorus.loadtest.scenario.Deadline;
import chorus.loadtest.scenario.LoginPolicy;
import chorus.loadtest.scenario.RunContext;
import chorus.loadtest.scenario.Scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Runs one scenario: sets up the connector, metrics, sampler and a watchdog, runs it within its time
 * limit, and writes the summary, the JSON file and the HTML page.
 */
public final class Runner {
    /** What a run left behind. */
    public record Outcome(Report report, Path directory, boolean completed) {
    }

    private Runner() {
    }

    public static Outcome run(TargetOptions t, RunOptions o, Scenario scenario, PrintStream progress)
        throws IOException, InterruptedException {
        List<ProcessProbe> probes = new ArrayList<>();
        for (String spec : o.serverPids) {
            int eq = spec.indexOf('=');
            String label = eq < 0 ? "server" : spec.substring(0, eq);
            probes.add(new ProcessProbe(label, Long.parseLong(spec.substring(eq + 1).trim())));
        }
        DoubleSupplier sessions = null;
        if (o.chorusAdmin != null && o.chorusToken != null) {
            ChorusAdmin admin = ChorusAdmin.of(o.chorusAdmin, o.chorusToken);
            sessions = admin::sessions;
        }
        Report report = new Report(o.variant == null ? scenario.name() : scenario.name() + "-" + o.variant, o.label);
        Metrics metrics = new Metrics();
        Deadline deadline = Deadline.in(Duration.ofSeconds(o.maxTimeSeconds));
        Thread watchdog = watchdog(o.maxTimeSeconds + 60L, progress);
        boolean completed = false;
        ClientConfig config = t.clientConfig();
        try (Connector connector = t.connector(config)) {
            RunContext ctx = new RunContext(connector, t.accounts(), metrics, report, deadline,
                new LoginPolicy(o.loginRate, o.loginConcurrency), probes, o.serverHeap, progress);
            describe(report, t, o, connector);
            scenario.describe(ctx);
            long t0 = System.nanoTime();
            Sampler sampler = new Sampler(metrics, report.timeline, probes, sessions, ctx::status, progress);
            ctx.sampler(sampler);
            sampler.start();
            try {
                scenario.run(ctx);
                completed = !deadline.passed();
                if (deadline.passed()) {
                    report.note("the run hit its time limit (--max-time " + o.maxTimeSeconds + " s); figures are partial");
                }
            } catch (Exception | OutOfMemoryError e) {
                report.note("the scenario failed: " + e);
                progress.println("loadtest: the scenario failed: " + e);
            } finally {
                sampler.close();
                report.seconds = (System.nanoTime() - t0) / 1e9;
                config.scramCache().flush();
            }
            report.latencies.putAll(metrics.latencyTotals());
            report.counters.putAll(metrics.counterTotals());
            report.failures.putAll(ctx.failures());
            report.processes.putAll(sampler.figures());
        } finally {
            watchdog.interrupt();
        }
        Path dir = write(report, o.out);
        return new Outcome(report, dir, completed);
    }

    private static void describe(Report r, TargetOptions t, RunOptions o, Connector c) {
        r.param("targets", t.targets.size());
        r.param("users", t.users);
        r.param("tls", c.config().tls().name().toLowerCase(java.util.Locale.ROOT)); // as used: websocket makes starttls direct
        r.param("mechanism", t.mechanism);
        r.param("sources", t.sources.isEmpty() ? "default" : String.join(",", t.sources));
        r.param("threads", t.threads);
        r.param("transport", c.transport());
        r.param("tls_provider", c.tlsProvider());
        r.param("login_rate", o.loginRate);
        r.param("login_concurrency", o.loginConcurrency);
        r.param("scram_cache", t.scramCache.equals("memory") || t.scramCache.equals("off") ? t.scramCache : "file");
        r.param("cores", Runtime.getRuntime().availableProcessors());
        r.param("load_at_start", ProcessProbe.loadAverage());
    }

    /** Writes summary.txt, result.json and report.html into a new directory under {@code out}. */
    static Path write(Report r, Path out) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = out.resolve(stamp + "-" + r.scenario + "-" + r.label.replaceAll("[^A-Za-z0-9_.-]", "_"));
        for (int i = 2; Files.exists(dir); i++) {
            dir = out.resolve(stamp + "-" + r.scenario + "-" + r.label.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + i);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.txt"), TextSummary.render(r));
        JsonReport.write(r, dir.resolve("result.json"));
        HtmlReport.write(r, dir.resolve("report.html"));
        return dir;
    }

    /** The last resort of the time limit: a run that does not end by itself a minute after it is stopped. */
    private static Thread watchdog(long seconds, PrintStream out) {
        Thread w = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
                out.println("loadtest: still running " + seconds + " s after the start; stopping the JVM");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException done) {
                // the run ended in time
            }
        }, "loadtest-watchdog");
        w.setDaemon(true);
        w.start();
        return w;
    }
}
