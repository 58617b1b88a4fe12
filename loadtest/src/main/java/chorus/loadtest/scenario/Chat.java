package chorus.loadtest.scenario;

import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code chat}: every account online, then one-to-one messages between random online users at a
 * total rate, after an unmeasured warm-up; end-to-end latency from the due time in each body, loss
 * counted after a drain.
 */
public record Chat(double rate, Duration duration, Duration warmup, Duration drain, int bodySize) implements Scenario {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("rate_per_s", rate);
        r.param("duration_s", duration.toSeconds());
        r.param("warmup_s", warmup.toSeconds());
        r.param("drain_s", drain.toSeconds());
        r.param("body_bytes", bodySize);
    }

    /** Logs everybody in with presence and returns the traffic that counts their messages. */
    static ChatTraffic online(RunContext ctx, int bodySize, String what) throws InterruptedException {
        ChatTraffic[] traffic = new ChatTraffic[1];
        Population pop = new Population(ctx, new SessionListener() {
            @Override
            public void stanza(XmppSession s, XmlElement e) {
                if (ChatTraffic.isMessage(e)) {
                    traffic[0].onMessage(e);
                } else {
                    Answers.request(s, e);
                }
            }
        });
        traffic[0] = new ChatTraffic(ctx, pop, bodySize);
        int n = ctx.accounts().count();
        ctx.status(() -> String.format(Locale.ROOT, "%s: logging in %d/%d", what, pop.onlineCount(), n));
        Population.Wave w = pop.loginAll(0, n, i -> Stanzas.presence(null));
        ctx.report().figure("sessions_online", pop.onlineCount());
        ctx.report().figure("logins_failed", w.failed());
        ctx.report().figure("setup_rate_per_s", Answers.round(w.perSecond(), 1));
        // RFC 6121 §4.2: the server handles initial presence on its own time; give it a moment before counting.
        ctx.pause(Duration.ofSeconds(1));
        return traffic[0];
    }

    /** Sends at {@code rate} for {@code duration} into the ledger, then drains; returns the window's row. */
    static Map<String, Object> window(RunContext ctx, ChatTraffic traffic, MessageLedger ledger, double rate,
                                      Duration duration, Duration drain) throws InterruptedException {
        long t0 = System.nanoTime();
        double cpu0 = ctx.serverCpuSeconds();
        long fired = Pacer.run(rate, duration, ctx.deadline(), (k, due) -> traffic.sendRandom(ledger, due));
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        traffic.drain(ledger, drain.toMillis() / 1000.0);
        double cpu = ctx.serverCpuSeconds() - cpu0;
        MessageLedger.Counts c = ledger.counts();
        org.HdrHistogram.Histogram h = ledger.latency().total();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rate_per_s", rate);
        row.put("achieved_per_s", Answers.round(c.sent() / sendSeconds, 1));
        row.put("scheduled", fired);
        row.put("sent", c.sent());
        row.put("received", c.received());
        row.put("lost", c.lost());
        row.put("bounced", c.bounced());
        row.put("duplicates", c.duplicates());
        row.put("p50_ms", ms(h, 50));
        row.put("p90_ms", ms(h, 90));
        row.put("p99_ms", ms(h, 99));
        row.put("p999_ms", ms(h, 99.9));
        row.put("max_ms", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0);
        if (Double.isFinite(cpu) && c.received() > 0) {
            // Every watched server process over the window, sending and draining: what one delivery cost.
            row.put("server_cpu_per_message_us", Answers.round(cpu * 1e6 / c.received(), 1));
            row.put("server_cpu_pct", Answers.round(cpu / ((System.nanoTime() - t0) / 1e9) * 100, 1));
        }
        return row;
    }

    private static Double ms(org.HdrHistogram.Histogram h, double pct) {
        return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(pct) / 1000.0;
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        ChatTraffic traffic = online(ctx, bodySize, "chat");
        Report r = ctx.report();
        long capacity = (long) Math.ceil(rate * Math.max(duration.toSeconds(), warmup.toSeconds()) + rate + 16);
        if (!warmup.isZero()) {
            MessageLedger w = traffic.ledger("w", capacity);
            ctx.status(() -> String.format(Locale.ROOT, "chat warm-up: sent %d, received %d", w.sent(),
                w.received()));
            window(ctx, traffic, w, rate, warmup, Duration.ofSeconds(1));
        }
        MessageLedger m = traffic.ledger("m", capacity);
        ctx.status(() -> String.format(Locale.ROOT, "chat: %.0f/s target, sent %d, received %d", rate, m.sent(),
            m.received()));
        Map<String, Object> row = window(ctx, traffic, m, rate, duration, drain);
        r.steps.add(row);
        for (Map.Entry<String, Object> e : row.entrySet()) {
            r.figure(e.getKey().equals("rate_per_s") ? "target_rate_per_s" : e.getKey(), e.getValue());
        }
        r.latency("message (measured window)", m.latency().total());
        ctx.status(() -> "chat: logging out");
        traffic.population().logoutAll();
    }
}
