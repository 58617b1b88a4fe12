package chorus.loadtest.scenario;

import chorus.loadtest.client.Stanzas;
import chorus.loadtest.metrics.ProcessProbe;
import chorus.loadtest.report.Report;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code idle}: logs every account in, each with its initial presence, and holds the sessions, to find
 * what one session costs the server: RSS (and, for a JVM server with --server-heap, live heap after a
 * full GC) before the logins and with all sessions open, divided by the sessions held.
 */
public record IdleSessions(Duration hold, Duration keepalive, boolean presence, Duration settle) implements Scenario {
    @Override
    public String name() {
        return "idle";
    }

    @Override
    public void describe(RunContext ctx) {
        ctx.report().param("hold_s", hold.toSeconds());
        ctx.report().param("keepalive_s", keepalive.toSeconds());
        ctx.report().param("initial_presence", presence);
        ctx.report().param("settle_s", settle.toSeconds());
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        Report r = ctx.report();
        Population pop = new Population(ctx, (s, e) -> Answers.request(s, e));
        int n = ctx.accounts().count();
        double rssBefore = ctx.serverRss();
        double[] eachBefore = ctx.servers().stream().mapToDouble(ProcessProbe::rssBytes).toArray();
        double heapBefore = ctx.serverLiveHeap();
        ctx.status(() -> String.format(Locale.ROOT, "idle: %d online of %d, %d failed",
            pop.onlineCount(), n, ctx.metrics().counter("login_failures").get()));
        Population.Wave w = pop.loginAll(0, n, i -> presence ? Stanzas.presence(null) : null);
        r.figure("sessions_opened", w.ok());
        r.figure("logins_failed", w.failed());
        r.figure("setup_rate_per_s", Answers.round(w.perSecond(), 1));
        Answers.percentiles(r, "setup", ctx.metrics().latencyTotals().get("setup"));
        // Let the server finish what the logins started (presence, entity recovery) before measuring.
        ctx.pause(settle);
        int held = pop.onlineCount();
        double rssAfter = ctx.serverRss();
        double[] eachAfter = ctx.servers().stream().mapToDouble(ProcessProbe::rssBytes).toArray();
        double heapAfter = ctx.serverLiveHeap();
        double cpuHold0 = ctx.serverCpuSeconds();
        double[] eachCpu0 = ctx.servers().stream().mapToDouble(ProcessProbe::cpuSeconds).toArray();
        long holdStart = System.nanoTime();
        long holdEnd = holdStart + hold.toNanos();
        long nextKeepalive = System.nanoTime() + keepalive.toNanos();
        while (System.nanoTime() < holdEnd && !ctx.deadline().passed()) {
            ctx.pause(Duration.ofMillis(Math.min(1000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000))));
            if (!keepalive.isZero() && System.nanoTime() >= nextKeepalive) {
                pop.forEachOnline(i -> Stanzas.KEEPALIVE);
                nextKeepalive += keepalive.toNanos();
            }
        }
        double rssEnd = ctx.serverRss();
        r.figure("load_at_hold_end", Answers.round(ProcessProbe.loadAverage(), 2));
        double holdCpu = ctx.serverCpuSeconds() - cpuHold0;
        double holdSeconds = (System.nanoTime() - holdStart) / 1e9;
        if (Double.isFinite(holdCpu) && held > 0) {
            // Every watched server process while the sessions sat idle (keepalives included when asked for).
            r.figure("server_cpu_idle_pct", Answers.round(holdCpu / holdSeconds * 100, 2));
            // And each on its own (a node and its Cassandra): which of them the idle sessions cost.
            for (int i = 0; i < eachCpu0.length; i++) {
                double cpu = ctx.servers().get(i).cpuSeconds() - eachCpu0[i];
                if (Double.isFinite(cpu)) {
                    r.figure("server_cpu_idle_pct." + ctx.servers().get(i).label(), Answers.round(cpu / holdSeconds * 100, 2));
                }
            }
        }
        r.figure("sessions_held", held);
        r.figure("sessions_at_end", pop.onlineCount());
        r.figure("server_rss_before_mib", mib(rssBefore));
        r.figure("server_rss_held_mib", mib(rssAfter));
        r.figure("server_rss_end_mib", mib(rssEnd));
        if (held > 0 && Double.isFinite(rssBefore) && Double.isFinite(rssAfter)) {
            r.figure("rss_per_session_kib", Answers.round((rssAfter - rssBefore) / held / 1024, 2));
        }
        // Each watched process on its own (a node and its Cassandra): its RSS growth per session held.
        for (int i = 0; i < eachBefore.length && held > 0; i++) {
            if (Double.isFinite(eachBefore[i]) && Double.isFinite(eachAfter[i])) {
                String label = ctx.servers().get(i).label();
                r.figure("rss_held_mib." + label, mib(eachAfter[i]));
                r.figure("rss_per_session_kib." + label, Answers.round((eachAfter[i] - eachBefore[i]) / held / 1024, 2));
            }
        }
        if (Double.isFinite(heapBefore) && Double.isFinite(heapAfter) && held > 0) {
            r.figure("server_live_heap_before_mib", mib(heapBefore));
            r.figure("server_live_heap_held_mib", mib(heapAfter));
            r.figure("heap_per_session_kib", Answers.round((heapAfter - heapBefore) / held / 1024, 2));
        }
        pop.logoutAll();
    }

    private static double mib(double bytes) {
        return Answers.round(bytes / (1024 * 1024), 1);
    }
}
