package chorus.loadtest.scenario;

import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.report.Report;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code failover}: every account online over the targets of a cluster, chat at a steady rate, and after
 * {@code before} one node's process is killed with SIGKILL. The users whose sessions it held log in again at the next
 * target (as clients try the next address DNS gave them), each retried until it succeeds; chat goes on between
 * whoever is online for {@code after}, then drains. Reports when the cluster served again: the slowest re-login and the
 * failed attempts on the way, and per second of due time the messages sent and the slowest delivery of each second,
 * so that "every message delivered within a second again" has a time; and whether any message was lost. With
 * XEP-0198 clients ({@code --stream-management}) a moved user sends again, once logged in anew, what the dead node
 * never acknowledged (XEP-0198 §4), as real clients do; without, what was in flight through the dead process is lost.
 */
public record Failover(double rate, Duration before, Duration after, long killPid, InetSocketAddress killTarget,
                       Duration drain, int bodySize) implements Scenario {
    /** A message counts as served normally again when it arrives within this of its due time. */
    static final long NORMAL_NANOS = Duration.ofSeconds(1).toNanos();
    static final int SECONDS = 3600;

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("rate_per_s", rate);
        r.param("before_s", before.toSeconds());
        r.param("after_s", after.toSeconds());
        r.param("kill_target", killTarget.getHostString() + ":" + killTarget.getPort());
        r.param("drain_s", drain.toSeconds());
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        ProcessHandle victim = ProcessHandle.of(killPid).orElseThrow(
            () -> new IllegalArgumentException("no process " + killPid + " to kill"));
        ChatTraffic traffic = Chat.online(ctx, bodySize, "failover");
        Population pop = traffic.population();
        long start = System.nanoTime();
        // Per second of due time since the start: messages sent, messages that arrived, the slowest arrival.
        AtomicLongArray sent = new AtomicLongArray(SECONDS);
        AtomicLongArray arrived = new AtomicLongArray(SECONDS);
        AtomicLongArray slowest = new AtomicLongArray(SECONDS);
        traffic.watch(due -> sent.incrementAndGet(second(start, due)), (due, latency) -> {
            int s = second(start, due);
            arrived.incrementAndGet(s);
            slowest.accumulateAndGet(s, latency, Math::max);
        });
        Duration total = before.plus(after);
        MessageLedger m = traffic.ledger("m", (long) Math.ceil(rate * total.toSeconds() + rate + 16));
        ctx.status(() -> String.format(Locale.ROOT, "failover: %d online, sent %d, received %d", pop.onlineCount(),
            m.sent(), m.received()));
        CompletableFuture<Long> chat = CompletableFuture.supplyAsync(
            () -> Pacer.run(rate, total, ctx.deadline(), (k, due) -> traffic.sendRandom(m, due)));

        ctx.pause(before);
        // The sessions the dead node held, by user (null: elsewhere, or offline).
        XmppSession[] lost = new XmppSession[pop.size()];
        for (int i = 0; i < pop.size(); i++) {
            lost[i] = ctx.connector().targetOf(i).equals(killTarget) ? pop.session(i) : null;
        }
        long killedAt = System.nanoTime();
        victim.destroyForcibly();
        ctx.connector().markDown(killTarget);
        // The wall-clock time too, to line the run up with the nodes' logs.
        ctx.say(String.format(Locale.ROOT, "failover: killed pid %d (%s) at %.1f s (%s)", killPid, killTarget,
            (killedAt - start) / 1e9, Instant.now()));
        Relogins counts = new Relogins(new AtomicInteger(), new AtomicInteger(), new ConcurrentLinkedQueue<>(),
            new AtomicInteger());
        int moved = relogin(ctx, pop, lost, counts);

        long fired = chat.get();
        traffic.drain(m, drain.toMillis() / 1000.0);
        MessageLedger.Counts c = m.counts();
        int killSecond = second(start, killedAt);
        int lastSecond = Math.min(SECONDS - 1, second(start, start + total.toNanos()) - 1);
        int recovered = normalFrom(sent, arrived, slowest, killSecond, lastSecond);
        Report r = ctx.report();
        r.figure("kill_at_s", round((killedAt - start) / 1e9));
        r.figure("users_moved", moved);
        r.figure("relogin_attempts", counts.attempts().get());
        r.figure("relogin_failed_attempts", counts.failed().get());
        long[] back = counts.backAt().stream().mapToLong(t -> t - killedAt).sorted().toArray();
        r.figure("relogin_slowest_s", back.length == 0 ? 0.0 : round(back[back.length - 1] / 1e9));
        r.figure("resent_unacknowledged", counts.resent().get());
        r.figure("relogin_first_s", back.length == 0 ? null : round(back[0] / 1e9));
        r.figure("relogin_p50_s", back.length == 0 ? null : round(back[back.length / 2] / 1e9));
        r.figure("relogin_p90_s", back.length == 0 ? null : round(back[back.length * 9 / 10] / 1e9));
        r.figure("delivery_normal_again_s", recovered >= lastSecond + 1 ? null : recovered - killSecond);
        r.figure("scheduled", fired);
        r.figure("sent", c.sent());
        r.figure("received", c.received());
        r.figure("lost", c.lost());
        r.figure("bounced", c.bounced());
        r.figure("duplicates", c.duplicates());
        for (int s = Math.max(0, killSecond - 2); s <= lastSecond; s++) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("second_after_kill", s - killSecond);
            row.put("sent", sent.get(s));
            row.put("arrived", arrived.get(s));
            row.put("slowest_ms", slowest.get(s) / 1_000_000);
            r.steps.add(row);
        }
        r.latency("message", m.latency().total());
        ctx.status(() -> "failover: logging out");
        pop.logoutAll();
    }

    /**
     * The first second in {@code [from, to]} from which on every second's messages all arrived, none later than
     * {@link #NORMAL_NANOS}; {@code to + 1} when the last second was not normal yet.
     */
    static int normalFrom(AtomicLongArray sent, AtomicLongArray arrived, AtomicLongArray slowest, int from, int to) {
        int normal = from;
        for (int s = from; s <= to; s++) {
            if (arrived.get(s) < sent.get(s) || slowest.get(s) > NORMAL_NANOS) {
                normal = s + 1;
            }
        }
        return normal;
    }

    /**
     * Logs the users the dead node held ({@code lost}: their sessions there, else null) in again at the next target,
     * each retried every 500 ms until it succeeds or the run's deadline; returns how many there were.
     */
    private static int relogin(RunContext ctx, Population pop, XmppSession[] lost, Relogins counts)
        throws InterruptedException {
        int moved = 0;
        for (XmppSession s : lost) {
            moved += s != null ? 1 : 0;
        }
        // Their sessions end when the kernel resets the dead process's connections; wait for that first.
        long until = ctx.deadline().until(Duration.ofSeconds(30));
        while (System.nanoTime() - until < 0 && anyOnline(pop, lost)) {
            Thread.sleep(20);
        }
        AtomicInteger pending = new AtomicInteger(moved);
        for (int i = 0; i < lost.length; i++) {
            if (lost[i] != null) {
                retry(ctx, pop, i, lost[i], counts, pending);
            }
        }
        while (pending.get() > 0 && !ctx.deadline().passed()) {
            Thread.sleep(20);
        }
        return moved;
    }

    private static boolean anyOnline(Population pop, XmppSession[] lost) {
        for (int i = 0; i < lost.length; i++) {
            if (lost[i] != null && pop.isOnline(i)) {
                return true;
            }
        }
        return false;
    }

    /** What the re-logins did: attempts, failed attempts, when each got back, the messages sent again. */
    private record Relogins(AtomicInteger attempts, AtomicInteger failed, Queue<Long> backAt, AtomicInteger resent) {
    }

    private static void retry(RunContext ctx, Population pop, int index, XmppSession before, Relogins counts,
                              AtomicInteger pending) {
        counts.attempts().incrementAndGet();
        pop.login(index, i -> Stanzas.presence(null)).whenComplete((s, err) -> {
            if (err == null) {
                // XEP-0198 §4: what the dead node never acknowledged goes again (the recipient may see it twice)
                for (String stanza : before.unacknowledged()) {
                    if (stanza.startsWith("<message")) {
                        s.send(stanza);
                        counts.resent().incrementAndGet();
                    }
                }
                counts.backAt().add(System.nanoTime());
                pending.decrementAndGet();
            } else if (ctx.deadline().passed()) {
                pending.decrementAndGet();
            } else {
                counts.failed().incrementAndGet();
                CompletableFuture.delayedExecutor(500, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> retry(ctx, pop, index, before, counts, pending));
            }
        });
    }

    private static int second(long start, long nanos) {
        return (int) Math.max(0, Math.min(SECONDS - 1, (nanos - start) / 1_000_000_000L));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
