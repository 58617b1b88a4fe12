package chorus.loadtest.scenario;

import chorus.loadtest.report.Report;
import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * {@code login}: a connection storm at a set rate. Every account logs in once (TCP, TLS, SASL, bind)
 * and, unless asked to stay, ends its stream right away; the setup latency is split into its parts.
 */
public record LoginStorm(boolean stay) implements Scenario {
    @Override
    public String name() {
        return "login";
    }

    @Override
    public void describe(RunContext ctx) {
        ctx.report().param("stay", stay);
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        Population pop = new Population(ctx, (s, e) -> Answers.request(s, e));
        int n = ctx.accounts().count();
        ctx.status(() -> String.format(java.util.Locale.ROOT, "login: %d ok, %d failed of %d, %d online",
            ctx.metrics().counter("logins").get(), ctx.metrics().counter("login_failures").get(), n, pop.onlineCount()));
        double cpu0 = ctx.serverCpuSeconds();
        Population.Wave w = pop.loginAll(0, n, i -> null, stay);
        double cpu = ctx.serverCpuSeconds() - cpu0;
        Report r = ctx.report();
        if (Double.isFinite(cpu) && w.ok() > 0) {
            // Every watched server process (with --server-pid), storage included, over the wave.
            r.figure("server_cpu_per_login_ms", Answers.round(cpu * 1000 / w.ok(), 2));
        }
        r.figure("logins_ok", w.ok());
        r.figure("logins_failed", w.failed());
        r.figure("logins_per_s", Answers.round(w.perSecond(), 1));
        r.figure("wave_seconds", Answers.round(w.seconds(), 2));
        Map<String, Histogram> lat = ctx.metrics().latencyTotals();
        Answers.percentiles(r, "setup", lat.get("setup"));
        for (String part : new String[] {"tcp", "tls", "auth", "bind"}) {
            Histogram h = lat.get("setup." + part);
            if (h != null) {
                r.figure("setup_" + part + "_p50_ms", chorus.loadtest.metrics.Latency.ms(h.getValueAtPercentile(50)));
                r.figure("setup_" + part + "_p99_ms", chorus.loadtest.metrics.Latency.ms(h.getValueAtPercentile(99)));
            }
        }
        pop.logoutAll();
    }
}
