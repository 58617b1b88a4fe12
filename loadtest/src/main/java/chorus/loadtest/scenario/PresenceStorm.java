package chorus.loadtest.scenario;

import chorus.loadtest.client.Ns;
import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntPredicate;

/**
 * {@code presence}: users with rosters of K mutual contacts (made once, kept by the server). Half of
 * them log out at once (an unavailable broadcast storm), then log in again at the login rate (initial
 * presence broadcasts and probe answers); then random users change their status at a set rate, some
 * logging out and in again instead ({@code churn}). Each broadcast carries its due time in the
 * status; deliveries are counted against the contacts online when it went out.
 */
public record PresenceStorm(int contacts, double rate, Duration duration, double churn, Duration drain,
                            Duration rosterTimeout) implements Scenario {
    @Override
    public String name() {
        return "presence";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("contacts", contacts);
        r.param("rate_per_s", rate);
        r.param("duration_s", duration.toSeconds());
        r.param("churn", churn);
        r.param("drain_s", drain.toSeconds());
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        int n = ctx.accounts().count();
        Rosters rosters = new Rosters(ctx.accounts(), contacts);
        Map<String, BroadcastLedger> ledgers = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLongArray onlineSince = new AtomicLongArray(n);
        Latency latency = ctx.metrics().latency("presence");
        var probeAnswers = ctx.metrics().counter("presence_probe_answers");
        var own = ctx.metrics().counter("presence_own");
        Population pop = new Population(ctx, new SessionListener() {
            @Override
            public void stanza(XmppSession s, XmlElement e) {
                if (rosters.onStanza(s, e)) {
                    return;
                }
                if (!e.is("presence", Ns.CLIENT)) {
                    Answers.request(s, e);
                    return;
                }
                if (ctx.accounts().indexOf(e.attr("from")) == s.index()) {
                    own.increment();
                    return;
                }
                Payload p = Payload.decode(e.childText("status"));
                BroadcastLedger l = p == null || !p.run().equals(ctx.runId()) ? null : ledgers.get(p.tag());
                if (l == null || onlineSince.get(s.index()) - p.dueNanos() > 0) {
                    // sent before this session was online: the server answers a probe with it
                    probeAnswers.increment();
                    return;
                }
                if (l.delivered(p.seq())) {
                    long nanos = System.nanoTime() - p.dueNanos();
                    l.latency().recordNanos(nanos);
                    latency.recordNanos(nanos);
                }
            }
        });
        Report r = ctx.report();

        ctx.status(() -> String.format(Locale.ROOT, "presence: logging in %d/%d", pop.onlineCount(), n));
        pop.loginAll(0, n, i -> {
            onlineSince.set(i, System.nanoTime());
            return Stanzas.presence(null);
        });
        long t0 = System.nanoTime();
        pop.forEachOnline(i -> Stanzas.rosterGet("roster-get"));
        waitFor(ctx, () -> rosters.rostersFetched() >= pop.onlineCount(), Duration.ofSeconds(30));
        long have = rosters.pairsBoth();
        if (have < rosters.pairs()) {
            ctx.say("presence: " + have + " of " + rosters.pairs() + " contact pairs mutual; subscribing the rest");
            rosters.subscribeMissing(pop);
            ctx.status(() -> String.format(Locale.ROOT, "presence: rosters %d/%d pairs mutual", rosters.pairsBoth(),
                rosters.pairs()));
            waitFor(ctx, () -> rosters.pairsBoth() >= rosters.pairs(), rosterTimeout);
        }
        r.figure("roster_pairs_mutual", rosters.pairsBoth());
        r.figure("roster_pairs_wanted", rosters.pairs());
        r.figure("roster_setup_s", Answers.round((System.nanoTime() - t0) / 1e9, 1));

        // The storm: the even users leave at once, the odd ones watch; then the even ones come back.
        IntPredicate leaving = i -> i % 2 == 0;
        BroadcastLedger gone = new BroadcastLedger("u", n);
        ledgers.put(gone.tag(), gone);
        ctx.status(() -> "presence: logout storm, " + pop.onlineCount() + " online");
        java.util.List<java.util.concurrent.CompletableFuture<Void>> closing = new java.util.ArrayList<>();
        for (int i = 0; i < n; i += 2) {
            if (pop.isOnline(i)) {
                closing.add(pop.logout(i, broadcast(ctx, gone, rosters.onlineContacts(pop, i, leaving), true)));
            }
        }
        java.util.concurrent.CompletableFuture.allOf(closing.toArray(java.util.concurrent.CompletableFuture[]::new))
            .get(Math.max(1, ctx.deadline().remainingNanos() / 1_000_000), java.util.concurrent.TimeUnit.MILLISECONDS);
        drain(ctx, gone);
        BroadcastLedger back = new BroadcastLedger("a", n);
        ledgers.put(back.tag(), back);
        ctx.status(() -> String.format(Locale.ROOT, "presence: login storm, %d/%d online", pop.onlineCount(), n));
        long probesBefore = probeAnswers.get();
        Population.Wave w = loginEven(ctx, pop, rosters, back, onlineSince);
        drain(ctx, back);
        r.figure("storm_logins_per_s", Answers.round(w.perSecond(), 1));
        r.figure("storm_probe_answers", probeAnswers.get() - probesBefore);

        BroadcastLedger changes = new BroadcastLedger("s", (int) Math.min(Integer.MAX_VALUE - 8,
            Math.ceil(rate * duration.toSeconds() + rate + 16)));
        ledgers.put(changes.tag(), changes);
        ctx.status(() -> String.format(Locale.ROOT, "presence: %.0f changes/s, %d sent, %d online", rate,
            changes.counts().broadcasts(), pop.onlineCount()));
        Pacer.run(rate, duration, ctx.deadline(), (k, due) -> change(ctx, pop, rosters, changes, onlineSince));
        drain(ctx, changes);

        for (BroadcastLedger l : new BroadcastLedger[] {gone, back, changes}) {
            rows(r, l);
        }
        pop.logoutAll();
    }

    private Population.Wave loginEven(RunContext ctx, Population pop, Rosters rosters, BroadcastLedger ledger,
                                      AtomicLongArray onlineSince) throws InterruptedException {
        int n = ctx.accounts().count();
        long start = System.nanoTime();
        long before = ctx.metrics().counter("logins").get();
        double nanosPer = ctx.login().rate() > 0 ? 1e9 / ctx.login().rate() : 0;
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(ctx.login().concurrency());
        int k = 0;
        for (int i = 0; i < n && !ctx.deadline().passed(); i += 2, k++) {
            long wait = start + (long) (k * nanosPer) - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
            }
            slots.acquire();
            pop.login(i, u -> {
                onlineSince.set(u, System.nanoTime());
                return broadcast(ctx, ledger, rosters.onlineContacts(pop, u, c -> false), false);
            }).whenComplete((s, err) -> slots.release());
        }
        slots.tryAcquire(ctx.login().concurrency(), ctx.deadline().remainingNanos(),
            java.util.concurrent.TimeUnit.NANOSECONDS);
        int ok = (int) (ctx.metrics().counter("logins").get() - before);
        return new Population.Wave(k, ok, k - ok, (System.nanoTime() - start) / 1e9);
    }

    /** One event of the change phase: a status change, or (churn) a logout and a login again. */
    private void change(RunContext ctx, Population pop, Rosters rosters, BroadcastLedger ledger,
                        AtomicLongArray onlineSince) {
        int u = pop.randomOnline(-1);
        if (u < 0) {
            return;
        }
        if (ThreadLocalRandom.current().nextDouble() < churn) {
            pop.logout(u, broadcast(ctx, ledger, rosters.onlineContacts(pop, u, c -> c == u), true))
                .thenRun(() -> pop.login(u, i -> {
                    onlineSince.set(i, System.nanoTime());
                    return broadcast(ctx, ledger, rosters.onlineContacts(pop, i, c -> false), false);
                }));
            return;
        }
        XmppSession s = pop.session(u);
        if (s != null) {
            s.send(broadcast(ctx, ledger, rosters.onlineContacts(pop, u, c -> false), false));
        }
    }

    private static String broadcast(RunContext ctx, BroadcastLedger ledger, int recipients, boolean unavailable) {
        long seq = ledger.next(recipients);
        String status = seq < 0 ? "over capacity" : new Payload(ctx.runId(), ledger.tag(), seq, System.nanoTime()).encode(0);
        return unavailable ? Stanzas.unavailable(status) : Stanzas.presence(status);
    }

    private void drain(RunContext ctx, BroadcastLedger l) throws InterruptedException {
        waitFor(ctx, l::settled, drain);
    }

    private static void waitFor(RunContext ctx, java.util.function.BooleanSupplier done, Duration max)
        throws InterruptedException {
        long until = ctx.deadline().until(max);
        while (!done.getAsBoolean() && System.nanoTime() - until < 0) {
            Thread.sleep(50);
        }
    }

    private static void rows(Report r, BroadcastLedger l) {
        BroadcastLedger.Counts c = l.counts();
        Histogram h = l.latency().total();
        String name = switch (l.tag()) {
            case "u" -> "logout_storm";
            case "a" -> "login_storm";
            default -> "status_changes";
        };
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("phase", name);
        row.put("broadcasts", c.broadcasts());
        row.put("expected", c.expected());
        row.put("delivered", c.delivered());
        row.put("lost", c.lost());
        row.put("extra", c.extra());
        row.put("p50_ms", h.getTotalCount() == 0 ? null : Latency.ms(h.getValueAtPercentile(50)));
        row.put("p99_ms", h.getTotalCount() == 0 ? null : Latency.ms(h.getValueAtPercentile(99)));
        row.put("max_ms", h.getTotalCount() == 0 ? null : Latency.ms(h.getMaxValue()));
        r.steps.add(row);
        r.figure(name + "_expected", c.expected());
        r.figure(name + "_delivered", c.delivered());
        r.figure(name + "_lost", c.lost());
        r.figure(name + "_p99_ms", row.get("p99_ms"));
        r.latency("presence " + name, h);
    }
}
