package chorus.loadtest.scenario;

import chorus.loadtest.report.Report;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sweep}: chat at rising rates, one window per step, until the p99 latency or the loss passes
 * its limit (or the top rate is reached); then a few bisection steps between the last rate that held
 * and the first that broke. The answer: the highest rate that held.
 */
public record Sweep(double startRate, double factor, double maxRate, Duration stepDuration, Duration drain,
                    double p99LimitMs, double lossLimit, int refineSteps, int bodySize, double increment) implements Scenario {
    public Sweep {
        if (increment < 0 || (increment == 0 && factor <= 1)) {
            throw new IllegalArgumentException("the step factor must be above 1 (or the increment above 0)");
        }
    }

    /** Rates rising by a factor. */
    public Sweep(double startRate, double factor, double maxRate, Duration stepDuration, Duration drain,
                 double p99LimitMs, double lossLimit, int refineSteps, int bodySize) {
        this(startRate, factor, maxRate, stepDuration, drain, p99LimitMs, lossLimit, refineSteps, bodySize, 0);
    }

    /** The rate after {@code rate}: plus the increment when there is one, else times the factor. */
    double next(double rate) {
        return increment > 0 ? rate + increment : rate * factor;
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("start_rate_per_s", startRate);
        r.param("factor", factor);
        r.param("increment_per_s", increment);
        r.param("max_rate_per_s", maxRate);
        r.param("step_s", stepDuration.toSeconds());
        r.param("drain_s", drain.toSeconds());
        r.param("p99_limit_ms", p99LimitMs);
        r.param("loss_limit", lossLimit);
        r.param("refine_steps", refineSteps);
        r.param("body_bytes", bodySize);
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        ChatTraffic traffic = Chat.online(ctx, bodySize, "sweep");
        Report r = ctx.report();
        double passed = 0;
        Map<String, Object> best = null;
        double failedAt = 0;
        int step = 0;
        for (double rate = startRate; rate <= maxRate * 1.0001 && !ctx.deadline().passed(); rate = next(rate)) {
            Map<String, Object> row = step(ctx, traffic, ++step, Math.round(rate));
            if (holds(row)) {
                passed = ((Number) row.get("rate_per_s")).doubleValue();
                best = row;
            } else {
                failedAt = ((Number) row.get("rate_per_s")).doubleValue();
                break;
            }
        }
        double lo = passed;
        double hi = failedAt;
        for (int i = 0; i < refineSteps && hi > 0 && hi - lo > Math.max(1, lo * 0.02) && !ctx.deadline().passed(); i++) {
            double mid = Math.round((lo + hi) / 2);
            Map<String, Object> row = step(ctx, traffic, ++step, mid);
            if (holds(row)) {
                lo = mid;
                best = row;
            } else {
                hi = mid;
            }
        }
        r.figure("max_sustainable_rate_per_s", best == null ? 0 : best.get("rate_per_s"));
        r.figure("first_failing_rate_per_s", hi > 0 ? hi : null);
        if (best != null) {
            r.figure("at_max_p50_ms", best.get("p50_ms"));
            r.figure("at_max_p99_ms", best.get("p99_ms"));
            r.figure("at_max_lost", best.get("lost"));
        }
        if (hi == 0) {
            r.note("no step broke the limits up to the top rate " + maxRate + "/s: raise --max-rate");
        }
        ctx.status(() -> "sweep: logging out");
        traffic.population().logoutAll();
    }

    private Map<String, Object> step(RunContext ctx, ChatTraffic traffic, int step, double rate)
        throws InterruptedException {
        MessageLedger ledger = traffic.ledger("s" + step, (long) Math.ceil(rate * stepDuration.toSeconds() + rate + 16));
        ctx.status(() -> String.format(Locale.ROOT, "sweep step %d: %.0f/s, sent %d, received %d", step, rate,
            ledger.sent(), ledger.received()));
        Map<String, Object> row = Chat.window(ctx, traffic, ledger, rate, stepDuration, drain);
        row.put("step", step);
        row.put("holds", holds(row));
        ctx.report().steps.add(row);
        ctx.say(String.format(Locale.ROOT, "sweep step %d: %.0f/s -> achieved %s/s, p99 %s ms, lost %s of %s: %s",
            step, rate, row.get("achieved_per_s"), row.get("p99_ms"), row.get("lost"), row.get("sent"),
            holds(row) ? "holds" : "breaks"));
        // A short rest so one step's backlog does not weigh on the next.
        ctx.pause(Duration.ofSeconds(1));
        return row;
    }

    private boolean holds(Map<String, Object> row) {
        Object p99 = row.get("p99_ms");
        long sent = ((Number) row.get("sent")).longValue();
        long lost = ((Number) row.get("lost")).longValue();
        double achieved = ((Number) row.get("achieved_per_s")).doubleValue();
        double rate = ((Number) row.get("rate_per_s")).doubleValue();
        return p99 != null && ((Number) p99).doubleValue() < p99LimitMs
            && sent > 0 && (double) lost / sent <= lossLimit
            // the generator itself must have kept up with the schedule
            && achieved >= rate * 0.95;
    }
}
