package chorus.loadtest.scenario;

import chorus.loadtest.client.Ns;
import chorus.loadtest.client.SessionListener;
import chorus.loadtest.client.Stanzas;
import chorus.loadtest.client.XmppSession;
import chorus.loadtest.metrics.Counter;
import chorus.loadtest.metrics.Latency;
import chorus.loadtest.report.Report;
import chorus.loadtest.xml.XmlElement;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code mixed}: a blend of what users do, at a total rate of events: chat messages, presence (status)
 * changes, roster edits (add a contact, then remove it: two IQ round trips) and session churn (an
 * online user logs out, an offline one logs in), with a share of the users online throughout. Each
 * kind has its own latency; messages to a user who left meanwhile may bounce, and are counted so.
 */
public record Mixed(double rate, Duration duration, double onlineShare, int chatWeight, int presenceWeight,
                    int rosterWeight, int churnWeight, Duration drain) implements Scenario {
    public Mixed {
        if (chatWeight < 0 || presenceWeight < 0 || rosterWeight < 0 || churnWeight < 0
            || chatWeight + presenceWeight + rosterWeight + churnWeight <= 0) {
            throw new IllegalArgumentException("the mix's weights are not negative and not all zero");
        }
        if (!(onlineShare > 0 && onlineShare <= 1)) {
            throw new IllegalArgumentException("the online share is above 0 and at most 1, not " + onlineShare);
        }
    }

    @Override
    public String name() {
        return "mixed";
    }

    @Override
    public void describe(RunContext ctx) {
        Report r = ctx.report();
        r.param("rate_per_s", rate);
        r.param("duration_s", duration.toSeconds());
        r.param("online_share", onlineShare);
        r.param("mix", "chat=" + chatWeight + ",presence=" + presenceWeight + ",roster=" + rosterWeight
            + ",churn=" + churnWeight);
    }

    @Override
    public void run(RunContext ctx) throws Exception {
        int n = ctx.accounts().count();
        int online = Math.max(2, (int) Math.round(n * onlineShare));
        Map<String, Long> pendingIqs = new ConcurrentHashMap<>();
        Latency rosterRtt = ctx.metrics().latency("roster_iq");
        Counter presenceSent = ctx.metrics().counter("presence_changes");
        Counter rosterEdits = ctx.metrics().counter("roster_edits");
        Counter churns = ctx.metrics().counter("churn_events");
        AtomicLong ids = new AtomicLong();
        ChatTraffic[] traffic = new ChatTraffic[1];
        Population pop = new Population(ctx, new SessionListener() {
            @Override
            public void stanza(XmppSession s, XmlElement e) {
                if (ChatTraffic.isMessage(e)) {
                    traffic[0].onMessage(e);
                    return;
                }
                if (e.is("iq", Ns.CLIENT) && !Answers.request(s, e)) {
                    Long t = e.attr("id") == null ? null : pendingIqs.remove(e.attr("id"));
                    if (t == null) {
                        return;
                    }
                    rosterRtt.recordNanos(System.nanoTime() - t);
                    if (!"result".equals(e.attr("type"))) {
                        ctx.failure("roster:" + XmppSession.errorCondition(e));
                    } else if (e.attr("id").endsWith("a")) {
                        // the contact was added: now remove it again
                        String id = e.attr("id").replaceFirst("a$", "r");
                        pendingIqs.put(id, System.nanoTime());
                        s.send(Stanzas.rosterRemove(id, contactOf(ctx, e.attr("id"))));
                    }
                }
            }
        });
        traffic[0] = new ChatTraffic(ctx, pop, 0);
        ChatTraffic chat = traffic[0];
        Report r = ctx.report();
        ctx.status(() -> String.format(Locale.ROOT, "mixed: logging in %d/%d", pop.onlineCount(), online));
        pop.loginAll(0, online, i -> Stanzas.presence(null));
        ctx.pause(Duration.ofSeconds(2));

        MessageLedger ledger = chat.ledger("x", (long) Math.ceil(rate * duration.toSeconds() + rate + 16));
        int total = chatWeight + presenceWeight + rosterWeight + churnWeight;
        ctx.status(() -> String.format(Locale.ROOT, "mixed: %d online, messages %d sent %d received, presence %d, roster %d, churn %d",
            pop.onlineCount(), ledger.sent(), ledger.received(), presenceSent.get(),
            rosterEdits.get(), churns.get()));
        Pacer.run(rate, duration, ctx.deadline(), (k, due) -> {
            int pick = ThreadLocalRandom.current().nextInt(total);
            if ((pick -= chatWeight) < 0) {
                chat.sendRandom(ledger, due);
            } else if ((pick -= presenceWeight) < 0) {
                XmppSession s = session(pop);
                if (s != null) {
                    s.send(Stanzas.presence("status " + k));
                    presenceSent.increment();
                }
            } else if ((pick -= rosterWeight) < 0) {
                XmppSession s = session(pop);
                if (s != null) {
                    String id = "q" + ids.incrementAndGet() + "-" + s.index() + "a";
                    pendingIqs.put(id, System.nanoTime());
                    s.send(Stanzas.rosterSet(id, contactOf(ctx, id), "load contact"));
                    rosterEdits.increment();
                }
            } else {
                churn(pop, n);
                churns.increment();
            }
        });
        chat.drain(ledger, drain.toMillis() / 1000.0);
        ctx.pause(Duration.ofSeconds(1));
        MessageLedger.Counts c = ledger.counts();
        r.figure("events", (long) Math.floor(rate * duration.toSeconds()));
        r.figure("messages_sent", c.sent());
        r.figure("messages_received", c.received());
        r.figure("messages_lost", c.lost());
        r.figure("messages_bounced", c.bounced());
        r.figure("presence_changes", presenceSent.get());
        r.figure("roster_edits", rosterEdits.get());
        r.figure("churn_events", churns.get());
        r.figure("roster_iqs_unanswered", pendingIqs.size());
        Map<String, org.HdrHistogram.Histogram> lat = ctx.metrics().latencyTotals();
        Answers.percentiles(r, "message", ledger.latency().total());
        Answers.percentiles(r, "roster_iq", lat.get("roster_iq"));
        Answers.percentiles(r, "setup", lat.get("setup"));
        pop.logoutAll();
    }

    private static XmppSession session(Population pop) {
        int u = pop.randomOnline(-1);
        return u < 0 ? null : pop.session(u);
    }

    /** One user leaves and another, offline, comes: the number online stays about the same. */
    private static void churn(Population pop, int n) {
        int out = pop.randomOnline(-1);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 16; i++) {
            int in = r.nextInt(n);
            if (!pop.isOnline(in)) {
                pop.login(in, u -> Stanzas.presence(null));
                break;
            }
        }
        if (out >= 0) {
            pop.logout(out, null);
        }
    }

    /** The throw-away contact of a roster edit, named after the edit. */
    private static String contactOf(RunContext ctx, String id) {
        return "lt-contact-" + id.substring(1, id.indexOf('-')) + "@" + ctx.accounts().domain();
    }
}
